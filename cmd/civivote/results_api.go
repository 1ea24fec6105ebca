package main

import (
	"context"
	"time"

	"github.com/civivote/civivote/election"
	"github.com/civivote/civivote/web"
)

// resultsAdmin is the store's count, publication, audit log and purge for the admin API;
// retention is CIVIVOTE_RETENTION_DAYS.
type resultsAdmin struct {
	dashboardCounts
	dashboardAudit
	retention time.Duration
}

func newResultsAdmin(counts dashboardCounts, retentionDays int) resultsAdmin {
	return resultsAdmin{dashboardCounts: counts, dashboardAudit: dashboardAudit{db: counts.db},
		retention: time.Duration(retentionDays) * 24 * time.Hour}
}

func (r resultsAdmin) PublishResults(ctx context.Context, slug, actor string, now time.Time) (*election.Publication, error) {
	return r.publish(ctx, slug, actor, now)
}

func (r resultsAdmin) Purge(ctx context.Context, slug, actor string, now time.Time) (web.PurgeReport, error) {
	rep, err := r.dashboardCounts.db.Purge(ctx, slug, r.retention, actor, now)
	return web.PurgeReport{Voters: rep.Voters, Challenges: rep.Challenges, Ballots: rep.Ballots,
		Eligible: rep.Turnout.Eligible, Voted: rep.Turnout.Voted, PublishedAt: rep.PublishedAt}, err
}
