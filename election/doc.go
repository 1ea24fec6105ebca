// Package election holds the types and rules of a union's officer elections: the
// definition a committee writes in YAML, the lifecycle from draft to written back,
// nominations and statements, seat fixing, personal-link tokens, ballots, the tally
// and its ties, tenure dates and the way times are shown to members.
//
// It is the domain at the centre of civivote. It performs no I/O and imports only the
// standard library (plus a pure YAML decoder, see yaml.go), so every rule here is
// tested without a database, a clock or a network. Callers supply the current time,
// randomness and stored data; this package decides.
//
// How the adapters use it, step by step (DESIGN.md, "What it does"):
//
//   - election apply: Parse the file, then PlanApply against the stored definition
//     and state (Create, Unchanged or Update; changes refused once nominations open).
//     Store the file's text or Canonical(); Hash tells versions apart.
//   - scheduler: Election.Steps(now) lists the transitions the clock implies, in
//     order, after any downtime; ManualAdvance checks `election advance`.
//   - links: DeriveToken for the URL, HashToken for the stored hash, ParseToken on
//     every request before any lookup; RollOpen for members who join late.
//   - nominations: Definition.Nominate (window, one position, statement limit,
//     declarations, co-officership consent), Withdraw, Candidate.Accept / Reject;
//     FixSeats gives the seats once nominations close.
//   - voting: Election.CheckVotingOpen; NewBallotPaper(def.Contests(candidates));
//     BallotPaper.ParseForm then Encode (or Validate) the voter's Choices; store the
//     Choices with NewBallotID and NewReceiptCode.
//   - count: rebuild each stored ballot with AppendChoice (or Encode), Tally, replay
//     the recorded Result.ResolveTie decisions, then CheckPublishable and
//     ChallengesCouldChange before publishing; Decode gives ballots.json.
//   - write-back: TenureEnd for each elected officer's end date.
//
// Errors returned here carry a kind (ErrInvalid, ErrNotFound, ErrConflict,
// ErrAlreadyVoted, ErrWindowClosed, ErrWrongState, ErrTieUnresolved) that the web layer
// maps to an HTTP status in one place with errors.Is, and a message written for the
// person who has to act on it. Form problems come as a *FormError with one message per
// field; definition problems as a *DefinitionError with one file:line:column each.
package election
