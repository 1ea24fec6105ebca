package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/civivote/civivote/election"
	"github.com/civivote/civivote/letters"
	"github.com/civivote/civivote/outbox"
)

const lettersUsage = `letters SLUG -o FILE.pdf

Prints a letter for every member on the election's roll whom a mailing cannot reach: no
email in CiviCRM, or an email CiviCRM holds after bounces or an opt-out. Each page has the
member's name and postal address (read from CiviCRM now, never stored by civivote), the
voting dates in the election's time zone, the member's personal link and a QR code of it.
The PDF holds every recipient's link: keep it as safe as the links themselves.`

func runLetters(ctx context.Context, e env, args []string) error {
	fs := flag.NewFlagSet("letters", flag.ContinueOnError)
	out := fs.String("o", "", "the PDF `file` to write (required)")
	var slug string
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		slug, args = args[0], args[1:]
	}
	if err := parseFlags(fs, e, args, lettersUsage, true); err != nil {
		return helpOK(err)
	}
	if slug == "" || *out == "" {
		return usageErr("civivote letters: give the election and the output file: civivote letters SLUG -o letters.pdf")
	}
	cfg, log, db, crm, err := openAll(ctx, e)
	if err != nil {
		return err
	}
	defer db.Close()
	defer log.Sync()
	st, err := db.GetElection(ctx, slug)
	if err != nil {
		return err
	}
	if election.VotingOpen.Before(st.State) {
		return fmt.Errorf("election %s is %s: voting is over, so there is nothing to write to members about", slug, st.State)
	}
	held, err := crm.EmailsOnHold(ctx)
	if err != nil {
		return fmt.Errorf("reading the held emails from CiviCRM: %w", err)
	}
	voters, err := db.PostalVoters(ctx, slug, held)
	if err != nil {
		return err
	}
	if len(voters) == 0 {
		fmt.Fprintf(e.stdout, "Every member on the roll of %s has an email CiviCRM can send to: no letters to print.\n", slug)
		return nil
	}
	ids := make([]int64, len(voters))
	for i, v := range voters {
		ids[i] = v.ContactID
	}
	addrs, err := crm.PostalAddresses(ctx, ids)
	if err != nil {
		return fmt.Errorf("reading postal addresses from CiviCRM: %w", err)
	}
	link := linkURL(cfg)
	var ls []letters.Letter
	var noAddress []string
	noEmail := 0
	for _, v := range voters {
		a, ok := addrs[v.ContactID]
		if !ok {
			noAddress = append(noAddress, fmt.Sprint(v.ContactID))
			continue
		}
		if v.NoEmail {
			noEmail++
		}
		url, err := link(outbox.Link{Election: slug, ContactID: v.ContactID, Generation: v.Generation})
		if err != nil {
			return err
		}
		ls = append(ls, letters.Letter{Name: a.Name, Address: a.Lines, Link: url})
	}
	def := st.Definition
	le := letters.Election{Title: def.Title, Timezone: def.Timezone, Contact: helpContact(cfg.HelpContact),
		VotingOpens: def.FormatTime(def.Voting.Opens), VotingCloses: def.FormatTime(def.Voting.Closes),
		Printed: time.Now().In(def.Location)}
	if len(ls) > 0 {
		var buf bytes.Buffer
		if err := letters.Render(&buf, le, ls); err != nil {
			return err
		}
		if err := os.WriteFile(*out, buf.Bytes(), 0o600); err != nil {
			return fmt.Errorf("write %s: %w", *out, err)
		}
		fmt.Fprintf(e.stdout, "%d letters written to %s (%d members without email, %d whose email CiviCRM holds).\n",
			len(ls), *out, noEmail, len(ls)-noEmail)
		fmt.Fprintln(e.stdout, "The file holds each member's personal link: keep it safe, and delete it once the letters are posted.")
	}
	if len(noAddress) > 0 {
		msg := fmt.Sprintf("%d members who need a letter have no postal address in CiviCRM (contacts %s): add one there and run civivote letters again",
			len(noAddress), strings.Join(noAddress[:min(20, len(noAddress))], ", "))
		if len(noAddress) > 20 {
			msg += " (first 20 shown)"
		}
		if len(ls) == 0 {
			return errors.New(msg)
		}
		fmt.Fprintln(e.stdout, msg+".")
	}
	return nil
}

// helpContact is whom a letter tells members to ask: CIVIVOTE_HELP_CONTACT or, unset, a
// generic line.
func helpContact(c string) string {
	if c == "" {
		return "your union's election committee"
	}
	return c
}
