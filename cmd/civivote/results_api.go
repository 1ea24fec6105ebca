package main

import (
	"context"
	"crypto/ed25519"
	"time"

	"github.com/civivote/civivote/election"
	"github.com/civivote/civivote/store"
	"github.com/civivote/civivote/web"
)

// resultsAdmin is the store's count, publication, audit log and purge for the admin API:
// key signs what is published (nil: unsigned), retention is CIVIVOTE_RETENTION_DAYS, and
// afterPublish (nil: nothing) runs after each successful publication, as the automatic
// write-back does.
type resultsAdmin struct {
	dashboardCounts
	dashboardAudit
	retention    time.Duration
	afterPublish func(ctx context.Context, slug, actor string, now time.Time) error
}

func newResultsAdmin(db *store.DB, key ed25519.PrivateKey, retentionDays int,
	afterPublish func(ctx context.Context, slug, actor string, now time.Time) error) resultsAdmin {
	return resultsAdmin{dashboardCounts: dashboardCounts{db: db, key: key}, dashboardAudit: dashboardAudit{db: db},
		retention: time.Duration(retentionDays) * 24 * time.Hour, afterPublish: afterPublish}
}

func (r resultsAdmin) PublishResults(ctx context.Context, slug, actor string, now time.Time) (*election.Publication, error) {
	pub, err := r.dashboardCounts.db.Publish(ctx, slug, r.key, actor, now)
	if err != nil {
		return nil, err
	}
	if r.afterPublish != nil {
		// The results stand; the committee is told to run the write-back by hand.
		if err := r.afterPublish(ctx, slug, actor, now); err != nil {
			return nil, election.Errorf(election.ErrConflict, "%v", err)
		}
	}
	return pub, nil
}

func (r resultsAdmin) Purge(ctx context.Context, slug, actor string, now time.Time) (web.PurgeReport, error) {
	rep, err := r.dashboardCounts.db.Purge(ctx, slug, r.retention, actor, now)
	return web.PurgeReport{Voters: rep.Voters, Challenges: rep.Challenges, Ballots: rep.Ballots,
		Eligible: rep.Turnout.Eligible, Voted: rep.Turnout.Voted, PublishedAt: rep.PublishedAt}, err
}
