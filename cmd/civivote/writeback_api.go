package main

import (
	"context"
	"time"

	"github.com/civivote/civivote/store"
	"github.com/civivote/civivote/web"
)

// writebackAPI gives the admin API and the dashboard the write-back in web's terms
// (web.Writebacks).
type writebackAPI struct{ w writebacks }

func (a writebackAPI) QueueWriteback(ctx context.Context, slug, actor string, now time.Time) (web.WritebackResult, error) {
	rep, err := a.w.Queue(ctx, slug, actor, now)
	if err != nil {
		return web.WritebackResult{}, err
	}
	return webWritebackResult(rep), nil
}

func (a writebackAPI) WritebackItems(ctx context.Context, slug string) ([]web.WritebackItem, error) {
	items, err := a.w.db.WritebackItems(ctx, slug)
	if err != nil {
		return nil, err
	}
	out := make([]web.WritebackItem, len(items))
	for i, it := range items {
		r := it.Relationship
		wi := web.WritebackItem{ID: it.ID, State: string(it.State), RelationshipID: r.ID, ContactID: r.ContactA,
			Description: r.Description, End: r.End.Format(time.DateOnly), Inactive: r.Inactive, Attempts: it.Attempts,
			LastError: it.LastError, CreatedAt: it.CreatedAt.UTC(), DoneAt: timePtr(it.DoneAt)}
		if !r.Start.IsZero() {
			wi.Start = r.Start.Format(time.DateOnly)
		}
		out[i] = wi
	}
	return out, nil
}

// webWritebackResult is a write-back report as the admin API and dashboard show it.
func webWritebackResult(rep store.WritebackReport) web.WritebackResult {
	out := web.WritebackResult{Election: rep.Election, Revision: rep.Revision, Queued: rep.Queued,
		AlreadyQueued: rep.AlreadyQueued, WrittenBack: rep.Advanced,
		Officers: make([]web.WritebackOfficer, len(rep.Officers)), Ended: make([]web.WritebackEnded, len(rep.Ended))}
	for i, o := range rep.Officers {
		out.Officers[i] = web.WritebackOfficer{Position: o.PositionKey, Title: o.Position, ContactID: o.ContactID,
			Name: o.Name, Start: o.Start.String(), End: o.End.String()}
	}
	for i, h := range rep.Ended {
		out.Ended[i] = web.WritebackEnded{RelationshipID: h.RelationshipID, ContactID: h.ContactID,
			Position: h.PositionKey, End: h.NewEnd.String(), Inactive: h.Inactive}
	}
	return out
}
