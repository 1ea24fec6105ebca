package main

import (
	"context"
	"crypto/ed25519"
	"time"

	"github.com/civivote/civivote/config"
	"github.com/civivote/civivote/election"
	"github.com/civivote/civivote/scheduler"
	"github.com/civivote/civivote/store"
	"github.com/civivote/civivote/web"
)

// dashboardOptions wires the committee's dashboard to the store, the scheduler and the
// configuration.
func dashboardOptions(cfg *config.Config, db *store.DB, sched *scheduler.Scheduler, counts dashboardCounts) web.DashboardOptions {
	settings := cfg.Redacted()
	shown := make([]web.ConfigSetting, len(settings))
	for i, st := range settings {
		shown[i] = web.ConfigSetting{Name: st.Name, Value: st.Value}
	}
	return web.DashboardOptions{Sessions: db, Data: dashboardData{db}, Counts: counts,
		Audit: dashboardAudit{db}, Settings: shown, SessionTTL: cfg.AdminSessionTTL,
		NextSync: func() (time.Time, bool) { return sched.Next(syncLease) }}
}

// dashboardData is the store as the dashboard reads it.
type dashboardData struct{ *store.DB }

func (d dashboardData) MemberRolls(ctx context.Context, contactID int64) ([]web.MemberRoll, error) {
	rolls, err := d.DB.MemberRolls(ctx, contactID)
	out := make([]web.MemberRoll, 0, len(rolls))
	for _, m := range rolls {
		out = append(out, web.MemberRoll(m))
	}
	return out, err
}

// dashboardCounts is the store's count, tie resolution and publication for the dashboard
// and the admin API; key signs what is published (nil: unsigned), and afterPublish (nil:
// nothing) runs after each successful publication, as the automatic write-back does.
type dashboardCounts struct {
	db           *store.DB
	key          ed25519.PrivateKey
	afterPublish func(ctx context.Context, slug, actor string, now time.Time) error
}

func (c dashboardCounts) DashboardCount(ctx context.Context, slug string) (*web.DashboardCount, error) {
	n, err := c.db.Count(ctx, slug)
	if err != nil {
		return nil, err
	}
	return &web.DashboardCount{Result: n.Result, Names: n.Names, Void: len(n.Void),
		OpenChallenges: n.Challenges.Open, CouldChange: n.CouldChange}, nil
}

func (c dashboardCounts) ResolveTie(ctx context.Context, slug, positionKey string, winner int64, reason, actor string, now time.Time) error {
	_, err := c.db.ResolveTie(ctx, slug, positionKey, winner, reason, actor, now)
	return err
}

func (c dashboardCounts) Publish(ctx context.Context, slug, actor string, now time.Time) (int, error) {
	pub, err := c.publish(ctx, slug, actor, now)
	if err != nil {
		return 0, err
	}
	return pub.Revision, nil
}

// publish publishes and then runs afterPublish, wherever the committee publishes from.
func (c dashboardCounts) publish(ctx context.Context, slug, actor string, now time.Time) (*election.Publication, error) {
	pub, err := c.db.Publish(ctx, slug, c.key, actor, now)
	if err != nil {
		return nil, err
	}
	if c.afterPublish != nil {
		// The results stand; the committee is told to run the write-back by hand.
		if err := c.afterPublish(ctx, slug, actor, now); err != nil {
			return nil, election.Errorf(election.ErrConflict, "%v", err)
		}
	}
	return pub, nil
}

// dashboardAudit is the store's audit log for the dashboard.
type dashboardAudit struct{ db *store.DB }

func (a dashboardAudit) AuditLog(ctx context.Context, slug string, afterID int64, limit int) ([]web.AuditEntry, error) {
	entries, err := a.db.AuditLog(ctx, slug, afterID, limit)
	out := make([]web.AuditEntry, 0, len(entries))
	for _, e := range entries {
		out = append(out, web.AuditEntry{ID: e.ID, At: e.At, Actor: e.Actor, Action: e.Action, ContactID: e.ContactID, Details: e.Details})
	}
	return out, err
}
