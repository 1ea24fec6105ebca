package web

import (
	"context"
	"net/http"
	"strconv"
	"time"

	"github.com/civivote/civivote/election"
)

// ChallengeRulings is the committee's side of challenged ballots: the list and the
// rulings. It is an interface so the admin API can be tested without a database;
// *store.DB implements it.
type ChallengeRulings interface {
	// Challenges lists the election's challenged ballots (never their choices), or an
	// error of kind election.ErrNotFound for an unknown slug.
	Challenges(ctx context.Context, slug string) ([]election.Challenge, error)
	// RuleChallenge accepts (the ballot joins the count) or rejects (it is destroyed) an
	// open challenge; the reason goes to the audit log.
	RuleChallenge(ctx context.Context, slug string, id int64, accept bool, reason, actor string, now time.Time) error
}

type challengeJSON struct {
	ID        int64                    `json:"id"`
	ContactID int64                    `json:"contact_id"`
	Name      string                   `json:"name"`
	OffRoll   election.OffRoll         `json:"off_roll"`
	Reason    string                   `json:"reason"`
	Status    election.ChallengeStatus `json:"status"`
	CastAt    time.Time                `json:"cast_at"`
	RuledAt   *time.Time               `json:"ruled_at,omitempty"`
}

func challengeOf(c election.Challenge) challengeJSON {
	out := challengeJSON{ID: c.ID, ContactID: c.ContactID, Name: c.Name, OffRoll: c.OffRoll, Reason: c.Reason,
		Status: c.Status, CastAt: c.CreatedAt.UTC()}
	if !c.RuledAt.IsZero() {
		at := c.RuledAt.UTC()
		out.RuledAt = &at
	}
	return out
}

// handleChallenges answers GET /api/admin/elections/{slug}/challenges (observer): every
// challenged ballot, open ones first, without its choices.
func (s *Server) handleChallenges(w http.ResponseWriter, r *http.Request) error {
	slug := r.PathValue("slug")
	list, err := s.challenges.Challenges(r.Context(), slug)
	if err != nil {
		return err
	}
	out := make([]challengeJSON, 0, len(list))
	for _, c := range list {
		out = append(out, challengeOf(c))
	}
	writeJSON(w, http.StatusOK, map[string]any{"election": slug, "challenges": out})
	return nil
}

// handleRuleChallenge is `challenges accept|reject` over HTTP (admin):
// POST /api/admin/elections/{slug}/challenges/{id} with {"decision": "accept"|"reject",
// "reason": "…"}. It answers with the challenge as it now stands.
func (s *Server) handleRuleChallenge(w http.ResponseWriter, r *http.Request) error {
	slug := r.PathValue("slug")
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return badRequest("%q is not a challenged ballot id: GET /api/admin/elections/%s/challenges lists them", r.PathValue("id"), slug)
	}
	var body struct {
		Decision string `json:"decision"`
		Reason   string `json:"reason"`
	}
	if err := decodeJSON(r, &body); err != nil {
		return err
	}
	if body.Decision != "accept" && body.Decision != "reject" {
		return badRequest(`"decision" must be "accept" (the ballot joins the count) or "reject" (it is destroyed), not %q`, body.Decision)
	}
	if err := s.challenges.RuleChallenge(r.Context(), slug, id, body.Decision == "accept", body.Reason, Actor(r.Context()), s.now()); err != nil {
		return err
	}
	list, err := s.challenges.Challenges(r.Context(), slug)
	if err != nil {
		return err
	}
	for _, c := range list {
		if c.ID == id {
			writeJSON(w, http.StatusOK, map[string]any{"challenge": challengeOf(c)})
			return nil
		}
	}
	return election.Errorf(election.ErrNotFound, "election %s has no challenged ballot %d", slug, id)
}
