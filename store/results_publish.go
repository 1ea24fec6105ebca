package store

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/civivote/civivote/election"
)

// Audit actions of publication.
const (
	ActionResultsPublished   = "results.published"
	ActionResultsRepublished = "results.republished"
)

// Publish counts election slug, freezes its results (election.BuildPublication, signed
// with key when it is not nil) and moves it to results_published, in one transaction
// under the election's row lock, so the count, the hash of ballots.json and the frozen
// results come from one snapshot of the ballots.
//
// It needs voting closed, every tie resolved (the domain's CheckPublishable error
// otherwise) and no open challenged ballot that could change a seat. On an election
// already published (after a late ruling on a challenge, or a tie drawn again) it
// publishes a new revision and leaves the state as it is; if nothing changed since the
// last revision it refuses with ErrConflict. Both are audited with the hashes.
func (s *DB) Publish(ctx context.Context, slug string, key ed25519.PrivateKey, actor string, now time.Time) (*election.Publication, error) {
	var pub *election.Publication
	err := s.Transact(ctx, func(tx *sql.Tx) error {
		e, err := loadElection(ctx, tx, slug, " FOR UPDATE")
		if err != nil {
			return err
		}
		prev, err := publicationOf(ctx, tx, e, " FOR UPDATE")
		if err != nil && !errors.Is(err, election.ErrNotFound) {
			return err
		}
		c, err := s.count(ctx, tx, e)
		if err != nil {
			return err
		}
		if err := checkPublishable(c); err != nil {
			return err
		}
		ballots := 0
		sum, err := election.WriteBallotsJSON(io.Discard, slug, publishedBallots(ctx, tx, e.ID, &ballots))
		if err != nil {
			return fmt.Errorf("store: publish %s: %w", slug, err)
		}
		in := election.ResultsInput{Election: &e.Election, Result: c.Result, Names: c.Names, Contests: c.Paper.Contests(),
			BallotsSHA256: sum, Challenges: c.Challenges, PublishedAt: now, Revision: 1}
		if prev != nil {
			if err := unchanged(in, prev); err != nil {
				return err
			}
			in.Revision = prev.Revision + 1
		}
		if pub, err = election.BuildPublication(in, key); err != nil {
			return err
		}
		if err := storePublication(ctx, tx, e.ID, pub, ballots, actor); err != nil {
			return err
		}
		details := map[string]any{"revision": pub.Revision, "results_sha256": hex.EncodeToString(pub.ResultsSHA256[:]),
			"ballots_sha256": hex.EncodeToString(pub.BallotsSHA256[:]), "ballots": ballots,
			"signed": pub.ResultsSignature != nil, "challenges": c.Challenges}
		if pub.SigningPublicKey != nil {
			details["signing_public_key"] = hex.EncodeToString(pub.SigningPublicKey)
		}
		if prev != nil {
			details["previous_results_sha256"] = hex.EncodeToString(prev.ResultsSHA256[:])
			return audit(ctx, tx, now, actor, ActionResultsRepublished, e.ID, details)
		}
		if _, err := s.stepTx(ctx, tx, e, election.ResultsPublished, "results published", actor, now); err != nil {
			return err
		}
		return audit(ctx, tx, now, actor, ActionResultsPublished, e.ID, details)
	})
	if err != nil {
		return nil, err
	}
	return pub, nil
}

// checkPublishable refuses results while a tie decides a seat or open challenged ballots
// could change one.
func checkPublishable(c *Count) error {
	slug := c.Election.Definition.Slug
	if err := c.Result.CheckPublishable(slug); err != nil {
		return err
	}
	if len(c.CouldChange) > 0 {
		titles := make([]string, len(c.CouldChange))
		for i, key := range c.CouldChange {
			titles[i] = key
			if pr := c.Result.Position(key); pr != nil {
				titles[i] = fmt.Sprintf("%s (%s)", pr.Title, key)
			}
		}
		return election.Errorf(election.ErrConflict, "results cannot be published while %d open challenged %s could change %s: "+
			"rule on them with `civivote challenges list %s` and `civivote challenges accept|reject %s ID --reason TEXT`, then publish",
			c.Challenges.Open, plural(c.Challenges.Open, "ballot", "ballots"), strings.Join(titles, ", "), slug, slug)
	}
	return nil
}

// unchanged refuses a republication that would publish the same results again: it builds
// them as they were last published (same revision and time, unsigned) and compares.
func unchanged(in election.ResultsInput, prev *election.Publication) error {
	in.Revision, in.PublishedAt = prev.Revision, prev.PublishedAt
	again, err := election.BuildPublication(in, nil)
	if err != nil {
		return err
	}
	if bytes.Equal(again.ResultsJSON, prev.ResultsJSON) {
		return election.Errorf(election.ErrConflict, "nothing has changed since revision %d of the results of %s was published on %s; "+
			"republish after a ruling on a challenged ballot or a new decision by lot", prev.Revision, prev.Slug,
			election.FormatUTC(prev.PublishedAt))
	}
	return nil
}

func storePublication(ctx context.Context, tx *sql.Tx, electionID int64, p *election.Publication, ballots int, actor string) error {
	var sig, pubKey []byte
	if p.ResultsSignature != nil {
		sig, pubKey = p.ResultsSignature, p.SigningPublicKey
	}
	_, err := tx.ExecContext(ctx, `
		INSERT INTO publications (election_id, revision, published_at, actor, results_json, results_csv,
		  results_sha256, ballots_sha256, results_signature, signing_public_key, ballot_count)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON DUPLICATE KEY UPDATE revision = VALUES(revision), published_at = VALUES(published_at), actor = VALUES(actor),
		  results_json = VALUES(results_json), results_csv = VALUES(results_csv), results_sha256 = VALUES(results_sha256),
		  ballots_sha256 = VALUES(ballots_sha256), results_signature = VALUES(results_signature),
		  signing_public_key = VALUES(signing_public_key), ballot_count = VALUES(ballot_count)`,
		electionID, p.Revision, p.PublishedAt.UTC(), actor, p.ResultsJSON, p.ResultsCSV, p.ResultsSHA256[:],
		p.BallotsSHA256[:], sig, pubKey, ballots)
	if err != nil {
		return fmt.Errorf("store: publish %s: %w", p.Slug, err)
	}
	return nil
}

// Publication returns what was last published for election slug: results.json,
// results.csv, their hashes and signature. Before publication it is an error of kind
// election.ErrNotFound.
func (s *DB) Publication(ctx context.Context, slug string) (*election.Publication, error) {
	e, err := s.GetElection(ctx, slug)
	if err != nil {
		return nil, err
	}
	return publicationOf(ctx, s.sql, e, "")
}

func publicationOf(ctx context.Context, q queryer, e *StoredElection, lock string) (*election.Publication, error) {
	p := election.Publication{Slug: e.Definition.Slug}
	var resultsSum, ballotsSum, sig, key []byte
	err := q.QueryRowContext(ctx, `
		SELECT revision, published_at, results_json, results_csv, results_sha256, ballots_sha256,
		  results_signature, signing_public_key
		FROM publications WHERE election_id = ?`+lock, e.ID).Scan(&p.Revision, &p.PublishedAt, &p.ResultsJSON,
		&p.ResultsCSV, &resultsSum, &ballotsSum, &sig, &key)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, election.Errorf(election.ErrNotFound, "the results of %s are not published yet", e.Definition.Slug)
	}
	if err != nil {
		return nil, fmt.Errorf("store: publication of %s: %w", e.Definition.Slug, err)
	}
	copy(p.ResultsSHA256[:], resultsSum)
	copy(p.BallotsSHA256[:], ballotsSum)
	if len(sig) > 0 {
		p.ResultsSignature, p.SigningPublicKey = sig, ed25519.PublicKey(key)
	}
	p.PublishedAt = p.PublishedAt.In(e.Definition.Location)
	return &p, nil
}
