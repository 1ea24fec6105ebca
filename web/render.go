package web

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"path"
	"strings"

	"github.com/civivote/civivote/election"
)

// The member and public pages: one layout, one template per page, one stylesheet.
//
//go:embed templates/*.html
var templateFS embed.FS

//go:embed static/site.css
var siteCSS []byte

// views holds the parsed pages and the stylesheet's versioned URL.
type views struct {
	pages  map[string]*template.Template
	cssURL string
	css    []byte
}

// parseViews parses every page with the layout at start-up, so a broken template stops
// New rather than the first member who opens it.
func parseViews() (*views, error) {
	sum := sha256.Sum256(siteCSS)
	v := &views{
		pages:  map[string]*template.Template{},
		cssURL: "/static/site." + hex.EncodeToString(sum[:6]) + ".css",
		css:    siteCSS,
	}
	funcs := template.FuncMap{
		"css":        func() string { return v.cssURL },
		"paragraphs": election.Paragraphs,
	}
	names, err := fs.Glob(templateFS, "templates/*.html")
	if err != nil {
		return nil, err
	}
	for _, name := range names {
		base := path.Base(name)
		if base == "layout.html" || strings.HasPrefix(base, "_") {
			continue
		}
		t, err := template.New("layout.html").Funcs(funcs).ParseFS(templateFS,
			"templates/layout.html", "templates/_*.html", name)
		if err != nil {
			return nil, fmt.Errorf("web: parse template %s: %w", base, err)
		}
		v.pages[strings.TrimSuffix(base, ".html")] = t
	}
	return v, nil
}

// render executes page into a buffer first, so a template error becomes a clean error
// page rather than half a page with a 200 status.
func (v *views) render(w http.ResponseWriter, status int, page string, data any) error {
	t, ok := v.pages[page]
	if !ok {
		return fmt.Errorf("web: no template %q", page)
	}
	var buf bytes.Buffer
	if err := t.Execute(&buf, data); err != nil {
		return fmt.Errorf("web: render %s: %w", page, err)
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	if h.Get("Cache-Control") == "" {
		h.Set("Cache-Control", "no-store")
	}
	w.WriteHeader(status)
	_, err := buf.WriteTo(w)
	return err
}

// handleCSS serves the stylesheet under its content-hashed name, cached for a year: a
// changed stylesheet gets a new name, so no browser keeps a stale one.
func (s *Server) handleCSS(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path != s.views.cssURL {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", "text/css; charset=utf-8")
	w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
	_, _ = w.Write(s.views.css)
}
