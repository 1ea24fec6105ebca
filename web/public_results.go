package web

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"io"
	"net/http"
	"time"

	"github.com/civivote/civivote/election"
	"go.uber.org/zap"
)

// PublishedResults is what the committee published for an election: the frozen
// results.json and results.csv, ballots.json streamed from the counted ballots, and the
// ballot behind a receipt code. The store implements it; it is an interface here so web
// does not import store. Every method answers an error of kind election.ErrNotFound
// before publication and for an unknown election.
type PublishedResults interface {
	Publication(ctx context.Context, slug string) (*election.Publication, error)
	WritePublishedBallots(ctx context.Context, slug string, w io.Writer) error
	PublishedBallot(ctx context.Context, slug, receipt string) (election.Choices, error)
}

// ballotsWriteTime is how long a client may take to download ballots.json, longer than
// the server's write timeout for ordinary pages: a million ballots are a few hundred MB.
const ballotsWriteTime = 30 * time.Minute

// resultsRoutes registers the public results when they are configured.
func (s *Server) resultsRoutes() {
	if s.results == nil {
		return
	}
	s.mux.Handle("GET /elections/{slug}/results", s.page(s.handleResultsPage))
	s.mux.HandleFunc("GET /elections/{slug}/results.json", s.resultsFile(s.handleResultsJSON))
	s.mux.HandleFunc("GET /elections/{slug}/results.csv", s.resultsFile(s.handleResultsCSV))
	s.mux.HandleFunc("GET /elections/{slug}/results.json.sig", s.resultsFile(s.handleResultsSignature))
	s.mux.HandleFunc("GET /elections/{slug}/ballots.json", s.resultsFile(s.handleBallotsJSON))
	s.mux.Handle("GET /elections/{slug}/receipt", s.page(s.handleReceiptForm))
	s.mux.Handle("POST /elections/{slug}/receipt", s.page(s.handleReceiptCheck))
}

// resultsFile serves a published file; its error, if any, is answered as JSON
// ({"error": "..."}), with 404 before publication, like the admin API's errors.
func (s *Server) resultsFile(h pageHandler) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if err := h(w, r); err != nil {
			status := statusOf(err)
			msg := err.Error()
			if status == http.StatusInternalServerError {
				s.log.Error("public results request failed", zap.String("route", r.Pattern), zap.Error(err))
				msg = "internal error: the server log has the details; try again in a few minutes"
			}
			w.Header().Set("Cache-Control", "no-store")
			writeJSON(w, status, apiErrorBody{Error: msg})
		}
	}
}

// publication returns the election's publication for a file route.
func (s *Server) publication(r *http.Request) (*election.Publication, error) {
	return s.results.Publication(r.Context(), r.PathValue("slug"))
}

// serveFrozen serves one of the frozen documents with its SHA-256 as the ETag, so
// clients revalidate cheaply and a republication is seen at once.
func serveFrozen(w http.ResponseWriter, r *http.Request, p *election.Publication, contentType string, sum [32]byte, body []byte) {
	h := w.Header()
	h.Set("Content-Type", contentType)
	h.Set("Cache-Control", "no-cache")
	h.Set("ETag", `"`+hex.EncodeToString(sum[:])+`"`)
	http.ServeContent(w, r, "", p.PublishedAt, bytes.NewReader(body))
}

// handleResultsJSON serves GET /elections/{slug}/results.json, the canonical results.
func (s *Server) handleResultsJSON(w http.ResponseWriter, r *http.Request) error {
	p, err := s.publication(r)
	if err != nil {
		return err
	}
	serveFrozen(w, r, p, "application/json", p.ResultsSHA256, p.ResultsJSON)
	return nil
}

// handleResultsCSV serves GET /elections/{slug}/results.csv as a download.
func (s *Server) handleResultsCSV(w http.ResponseWriter, r *http.Request) error {
	p, err := s.publication(r)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Disposition", `attachment; filename="`+p.Slug+`-results.csv"`)
	serveFrozen(w, r, p, "text/csv; charset=utf-8", sha256.Sum256(p.ResultsCSV), p.ResultsCSV)
	return nil
}

// handleResultsSignature serves GET /elections/{slug}/results.json.sig: the Ed25519
// signature of results.json, 64 bytes in base64 on one line.
func (s *Server) handleResultsSignature(w http.ResponseWriter, r *http.Request) error {
	p, err := s.publication(r)
	if err != nil {
		return err
	}
	if p.ResultsSignature == nil {
		return election.Errorf(election.ErrNotFound, "the results of %s were published unsigned: check results.json against the SHA-256 on the results page instead", p.Slug)
	}
	sig := []byte(base64.StdEncoding.EncodeToString(p.ResultsSignature) + "\n")
	serveFrozen(w, r, p, "text/plain; charset=utf-8", sha256.Sum256(sig), sig)
	return nil
}

// handleBallotsJSON serves GET /elections/{slug}/ballots.json, streamed from the counted
// ballots. Its ETag is the published digest, so a client holding the file revalidates
// without it being read again. A failure after the first byte cannot change the status
// any more: the connection is cut, so the client sees a broken download rather than a
// short file that looks whole.
func (s *Server) handleBallotsJSON(w http.ResponseWriter, r *http.Request) error {
	p, err := s.publication(r)
	if err != nil {
		return err
	}
	etag := `"` + hex.EncodeToString(p.BallotsSHA256[:]) + `"`
	h := w.Header()
	h.Set("ETag", etag)
	h.Set("Cache-Control", "no-cache")
	if r.Header.Get("If-None-Match") == etag {
		w.WriteHeader(http.StatusNotModified)
		return nil
	}
	h.Set("Content-Type", "application/json")
	if r.Method == http.MethodHead {
		return nil
	}
	// Not every ResponseWriter has deadlines (httptest's recorder has none); then the
	// server's own timeout applies.
	_ = http.NewResponseController(w).SetWriteDeadline(time.Now().Add(ballotsWriteTime))
	cw := &countingResponse{w: w}
	err = s.results.WritePublishedBallots(r.Context(), p.Slug, cw)
	switch {
	case err == nil:
		return nil
	case cw.n == 0:
		h.Del("ETag")
		return err
	}
	if !errors.Is(err, r.Context().Err()) {
		s.log.Error("ballots.json failed part-way; connection cut", zap.String("route", r.Pattern), zap.Int64("bytes", cw.n), zap.Error(err))
	}
	panic(http.ErrAbortHandler)
}

// countingResponse counts the bytes written through it.
type countingResponse struct {
	w http.ResponseWriter
	n int64
}

func (c *countingResponse) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}
