// Package civicrmtest is an in-memory fake of a CiviCRM 6.18 APIv4
// endpoint that answers as the recorded transcripts in
// shared/civicrm/transcripts show, quirks included, so that a client that
// passes its tests against it also works against a real site.
//
// # Starting one
//
//	s := civicrmtest.NewTestServer(t, civicrmtest.WithTranscriptSite())
//	client := civicrm.New(s.URL(), civicrmtest.AdminKey, …)
//
// New returns an http.Handler for use without a listener; NewTestServer
// runs it on httptest and closes it with t.Cleanup. A new Server holds
// what a fresh install has (contacts 1–3, group 1, ten relationship types,
// the shipped membership statuses, membership type "Union Member");
// WithTranscriptSite (or SeedTranscriptSite) adds the recorded site, and
// WithRoster (or GenerateRoster) adds up to millions of generated members
// whose rows are derived from their index, not stored. Options: WithClock
// (dates such as is_current follow it), WithAdminKey, WithWorkers
// (concurrent requests, default 2 like the recorded site's PHP workers)
// and WithWriteCost (per-record write time, e.g. 14 ms for Contact and
// 3 ms for GroupContact).
//
// # What it serves
//
// POST {base}/civicrm/ajax/api4/{Entity}/{action} with a form field
// params, or the WordPress form /?civiwp=CiviCRM&q=civicrm/ajax/api4/….
// Credentials come from X-Civi-Auth: Bearer, Authorization: Bearer or
// _authx. AdminKey may do everything; LimitedKey lacks CiviMember and
// write permissions (403 with a generic message) and sees only its own
// contact. Entities: Contact (get, update, save, create, delete,
// getFields, getMergedTo for merges made by MergeContacts; custom fields "Union_Sync.voting_link", the "groups" filter,
// email_primary), Membership (get with implicit joins, where with
// AND/OR/NOT, orderBy, limit/offset, row_count, groupBy with COUNT, an
// explicit Email join), MembershipStatus, MembershipType, Group (get,
// save, create), GroupContact (get, create, save, update, delete),
// RelationshipType (get, save, create), Relationship (get with
// is_current, save, create), CustomField, Extension and Setting (get).
//
// Reproduced quirks: a JSON body is ignored (the call runs with no
// params); GET on a write action is 405; a bad key is a text/plain 401; no
// credentials is a 403; invalid where/orderBy fields, unknown parameters,
// bad operators and DB constraint errors are 500 JSON with CiviCRM's
// messages, malformed params a 500 HTML page; unknown select fields and
// update values are dropped silently; count is offset + fetched on a short
// page and countMatched comes only with row_count or from save; writes
// echo custom fields as null; Relationship.save echoes YYYYMMDD dates and
// "NULL", stores invalid dates as 1970-01-01 and reports reverse
// duplicates inside values; batched saves commit record by record with no
// rollback; every answer sets a fresh session cookie.
//
// # Faults
//
// Inject queues faults that hit the next matching calls:
//
//	s.Inject(civicrmtest.Status(503).On("Membership", "get").Times(3))
//	s.Inject(civicrmtest.TooManyRequests(2 * time.Second))
//	s.Inject(civicrmtest.TimeLimit(100).On("Contact", "save"))
//
// Status, TooManyRequests, Hang, Slow, HTMLErrorPage, TruncatedBody,
// DropRows and TimeLimit are available; AfterCall runs a function between
// two pages, e.g. to change a member's status mid-sync.
//
// # Assertions
//
// Writes returns every write call (entity, action, records, where, time,
// records committed); Calls counts requests per entity and action;
// Contact, CustomValue, MembershipsOf, Groups, GroupMembers,
// Relationships, RelationshipTypes and CurrentMembers read the state, and
// AddContact, AddEmail, AddMembership, TrashContact, RestoreContact,
// MarkDeceased, MergeContacts, SetMembershipStatus, SetCustomValue,
// AddRelationship and DeleteRelationship change it directly.
//
// The package must not import the civicrm client package: the client's
// tests import this one.
package civicrmtest
