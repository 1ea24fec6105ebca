package election

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"strconv"
	"strings"
)

// Choice ids in results.csv for the rows that are not candidates.
const (
	csvAbstentions = "ABSTAIN"
)

// resultsCSV renders results.csv: a header, then per position one row per candidate
// in ballot order, one for Re-open nominations where offered, and one for the
// ballots that left it blank. Lines end in CRLF (RFC 4180).
//
// A spreadsheet runs a cell that starts with = + - @, a tab or a carriage return as a
// formula, so such cells (a candidate's name, a position's title) get a leading
// single quote: opening the file never runs anything someone typed.
func resultsCSV(doc *ResultsDoc) ([]byte, error) {
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	w.UseCRLF = true
	row := func(cells ...string) {
		for i, c := range cells {
			cells[i] = neutralise(c)
		}
		_ = w.Write(cells) // errors stick in w and are read by w.Error below
	}
	row("position_key", "position_title", "seats", "choice_id", "choice_name", "votes", "elected")
	for _, p := range doc.Positions {
		seats := strconv.Itoa(p.Seats)
		for _, c := range p.Candidates {
			row(p.Key, p.Title, seats, c.ID, c.Name, strconv.Itoa(c.Votes), yesNo(c.Elected))
		}
		if p.ReopenNominations {
			row(p.Key, p.Title, seats, RONFormValue, "Re-open nominations", strconv.Itoa(p.RONVotes), yesNo(p.RONElected))
		}
		row(p.Key, p.Title, seats, csvAbstentions, "Left blank (abstentions)", strconv.Itoa(p.Abstentions), "no")
	}
	w.Flush()
	if err := w.Error(); err != nil {
		return nil, fmt.Errorf("election: write results.csv: %w", err)
	}
	return b.Bytes(), nil
}

// neutralise keeps a spreadsheet from reading a cell as a formula.
func neutralise(cell string) string {
	if cell != "" && strings.ContainsRune("=+-@\t\r", rune(cell[0])) {
		return "'" + cell
	}
	return cell
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}
