package election

import (
	"bufio"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"io"
	"iter"
	"slices"
	"strconv"
)

// BallotsFormat names the format of ballots.json.
const BallotsFormat = "civivote-ballots/1"

// PublishedBallot is one line of ballots.json: a counted ballot with its receipt code
// and nothing that could link it to the voter.
type PublishedBallot struct {
	Receipt string
	Choices Choices
}

// WriteBallotsJSON writes ballots.json (format "civivote-ballots/1") deterministically
// from the ballots in the order given and returns the SHA-256 of exactly the bytes
// written. The document is
//
//	{"format":"civivote-ballots/1","election":"SLUG","ballots":[
//	{"receipt":"K7QF9-XMC2R-TAHV3","choices":{"chair":["12"],"treasurer":["RON","31"]}},
//	…
//	]}
//
// with one ballot per line (lines after the first end in a comma but the last), a
// newline after the closing brace, position keys in byte order, candidate ids as
// decimal strings in ascending numeric order with Re-open nominations ("RON") first,
// and positions left blank absent. The same ballots in the same order always give
// the same bytes, so the digest published in results.json identifies them. Ballots
// are written as the iterator yields them: memory does not grow with their number.
func WriteBallotsJSON(w io.Writer, slug string, ballots iter.Seq2[PublishedBallot, error]) ([32]byte, error) {
	h := sha256.New()
	bw := bufio.NewWriterSize(io.MultiWriter(w, h), 64<<10)
	buf := make([]byte, 0, 512)
	buf = append(buf, `{"format":"`+BallotsFormat+`","election":`...)
	buf = appendJSONString(buf, slug)
	buf = append(buf, `,"ballots":[`...)

	var keys []string
	var ids []int64
	n := 0
	for b, err := range ballots {
		if err != nil {
			return [32]byte{}, fmt.Errorf("election: ballots.json: ballot %d: %w", n+1, err)
		}
		if n > 0 {
			buf = append(buf, ',')
		}
		n++
		buf = append(buf, "\n"+`{"receipt":`...)
		buf = appendJSONString(buf, b.Receipt)
		buf = append(buf, `,"choices":{`...)
		keys = keys[:0]
		for k, v := range b.Choices {
			if len(v) > 0 {
				keys = append(keys, k)
			}
		}
		slices.Sort(keys)
		for i, k := range keys {
			if i > 0 {
				buf = append(buf, ',')
			}
			buf = appendJSONString(buf, k)
			buf = append(buf, ":["...)
			ids = append(ids[:0], b.Choices[k]...)
			slices.Sort(ids)
			for j, id := range ids {
				if id < 0 {
					return [32]byte{}, Errorf(ErrInvalid, "ballot %d (receipt %s) chooses %d for %q; candidate ids are positive and %d means Re-open nominations",
						n, b.Receipt, id, k, RON)
				}
				if j > 0 {
					buf = append(buf, ',')
				}
				buf = appendChoiceID(buf, id)
			}
			buf = append(buf, ']')
		}
		buf = append(buf, "}}"...)
		if len(buf) >= 4096 {
			if _, err := bw.Write(buf); err != nil {
				return [32]byte{}, fmt.Errorf("election: write ballots.json: %w", err)
			}
			buf = buf[:0]
		}
	}
	buf = append(buf, "\n]}\n"...)
	if _, err := bw.Write(buf); err != nil {
		return [32]byte{}, fmt.Errorf("election: write ballots.json: %w", err)
	}
	if err := bw.Flush(); err != nil {
		return [32]byte{}, fmt.Errorf("election: write ballots.json: %w", err)
	}
	var sum [32]byte
	h.Sum(sum[:0])
	return sum, nil
}

// ChoiceID is how the published files write a choice: a candidate id in decimal, or
// "RON" for Re-open nominations.
func ChoiceID(id int64) string {
	if id == RON {
		return RONFormValue
	}
	return strconv.FormatInt(id, 10)
}

// ParseChoiceID reads a choice as ChoiceID writes it.
func ParseChoiceID(s string) (int64, error) {
	if s == RONFormValue {
		return RON, nil
	}
	id, err := strconv.ParseInt(s, 10, 64)
	if err != nil || id <= 0 || strconv.FormatInt(id, 10) != s {
		return 0, Errorf(ErrInvalid, "%q is not a choice: choices are candidate ids in decimal or %q", s, RONFormValue)
	}
	return id, nil
}

func appendChoiceID(buf []byte, id int64) []byte {
	if id == RON {
		return append(buf, `"`+RONFormValue+`"`...)
	}
	buf = append(buf, '"')
	buf = strconv.AppendInt(buf, id, 10)
	return append(buf, '"')
}

// appendJSONString appends s as a JSON string. Receipt codes and position keys take
// the fast path; anything else is escaped by encoding/json, so the output is always
// valid JSON and always the same for the same string.
func appendJSONString(buf []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c > 0x7e || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' {
			q, _ := json.Marshal(s) // a string always marshals
			return append(buf, q...)
		}
	}
	buf = append(buf, '"')
	buf = append(buf, s...)
	return append(buf, '"')
}
