package main

import (
	"context"
	"encoding/base64"
	"encoding/hex"
	"flag"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/civivote/civivote/config"
	"github.com/civivote/civivote/election"
)

const publishUsage = `publish SLUG`

const publishHelp = `Publishes the results of an election whose voting has closed: results.json, results.csv
and the results page are frozen, ballots.json (every counted ballot with its receipt code,
from which anyone can recount) is served, and the election moves to results published.
It refuses while a tie decides a seat (resolve it with civivote tally SLUG --resolve-tie)
or while open challenged ballots could change a seat (rule with civivote challenges).

After a late ruling, publishing again makes a new revision. When
CIVIVOTE_RESULTS_SIGNING_KEY is set, results.json is signed (Ed25519); it carries the
SHA-256 of ballots.json, so the signature covers both. Printed: the URLs and hashes.`

func runPublish(ctx context.Context, e env, args []string) error {
	fs := flag.NewFlagSet("publish", flag.ContinueOnError)
	slug, err := slugCommand(fs, e, args, publishUsage, publishHelp)
	if err != nil {
		return helpOK(err)
	}
	cfg, log, err := loadConfig(e, config.LoadDatabaseWith(config.Prefix+"RESULTS_SIGNING_KEY"))
	if err != nil {
		return err
	}
	defer func() { _ = log.Sync() }()
	key, err := cfg.SigningKey()
	if err != nil {
		return configErr(err)
	}
	db, err := openMigrated(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer db.Close()
	pub, err := db.Publish(ctx, slug, key, "cli", time.Now())
	if err != nil {
		return fmt.Errorf("civivote publish: nothing was published: %w", err)
	}
	if err := writePublication(e.stdout, cfg.PublicURL, pub); err != nil {
		return err
	}
	return publishWriteback(ctx, e, db, slug)
}

// writePublication prints where the results are and the digests an observer checks.
func writePublication(w io.Writer, publicURL string, pub *election.Publication) error {
	doc, err := election.ParseResults(pub.ResultsJSON)
	if err != nil {
		return err
	}
	base := strings.TrimRight(publicURL, "/") + "/elections/" + pub.Slug
	fmt.Fprintf(w, "published: %s, revision %d, %s\n", pub.Slug, pub.Revision, election.FormatUTC(pub.PublishedAt))
	fmt.Fprintf(w, "  results page:   %s/results\n", base)
	fmt.Fprintf(w, "  results.json:   %s/results.json\n", base)
	fmt.Fprintf(w, "                  sha256 %s\n", hex.EncodeToString(pub.ResultsSHA256[:]))
	fmt.Fprintf(w, "  results.csv:    %s/results.csv\n", base)
	fmt.Fprintf(w, "  ballots.json:   %s/ballots.json (%d ballots)\n", base, doc.BallotsCast)
	fmt.Fprintf(w, "                  sha256 %s\n", hex.EncodeToString(pub.BallotsSHA256[:]))
	fmt.Fprintf(w, "  receipt check:  %s/receipt\n", base)
	if pub.ResultsSignature != nil {
		fmt.Fprintf(w, "  signature:      %s/results.json.sig (Ed25519, public key %s)\n", base,
			base64.StdEncoding.EncodeToString(pub.SigningPublicKey))
	} else {
		fmt.Fprintln(w, "  signature:      none (set CIVIVOTE_RESULTS_SIGNING_KEY to sign results.json)")
	}
	fmt.Fprintf(w, "  turnout:        %d of %d (%s)\n", doc.BallotsCast, doc.Eligible, doc.TurnoutPercent)
	return nil
}
