// Package roster keeps civivote's mirror of the members in good standing: a sync run reads
// every current membership from CiviCRM, folds them per contact and reconciles the members
// table, behind guards that refuse to take the vote away because CiviCRM was slow, down or
// answered half a list. It holds the rules and the orchestration only; CiviCRM and MySQL
// reach it through the Source and Store interfaces, implemented by civicrm.RosterSource and
// store.DB.
//
// # A run
//
//  1. The roll is loaded: for each mirrored member its contact id, a hash of its
//     memberships, their number and its standing (about 20 bytes a member; a daemon keeps
//     it between runs while the mirror's version, the latest audit entry and applied run,
//     is unchanged).
//  2. Pages stream in (read ahead on their own goroutine). A member whose memberships all
//     arrive with the mirrored hash is skipped; anything else goes to a staging area that
//     folds a contact's memberships whatever page they arrive on (Fold's rule, in SQL).
//     Nothing touches the members table.
//  3. After the last page: CiviCRM's own count (the cross-check), the diff of the staging
//     area with the mirror, and the guards: no members at all, a lapse of more than
//     MaxLapsePercent of the members in good standing, a count outside CountTolerance.
//     A tripped guard stops the run unless it is forced; a dry run stops here and reports.
//  4. Contacts the run did not return are asked about (trashed, deceased, merged) and
//     lapsed with that reason; staged members are added, updated or reactivated, in
//     batched transactions, each eligibility change with an audit_log entry (actor
//     "sync"). Overrides in force decide the standing of their contact; expired ones are
//     released and the standing taken from CiviCRM again.
//
// A run that fails before step 4 changes nothing; every run has a sync_runs row.
//
// # Last seen
//
// An unchanged member is not rewritten each run (a sync every 15 minutes would otherwise
// rewrite the whole table): members.last_seen_at is the last time the row changed, and
// Standing.LastSeen adds the last applied run for members in good standing without an
// override, which that run necessarily returned.
package roster
