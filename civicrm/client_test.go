package civicrm

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	"go.uber.org/zap"
	"go.uber.org/zap/zaptest/observer"
)

func TestRequestEncoding(t *testing.T) {
	rec := script(jsonAnswer(transcriptAnswers()[35].body))
	c, _ := newTestClient(t, rec)
	n, err := c.CountCurrentMembers(context.Background(), MemberQuery{Types: []string{"Union Member"}})
	if err != nil {
		t.Fatal(err)
	}
	if n != 30 {
		t.Errorf("count = %d, want 30 (countMatched of transcript 35)", n)
	}
	reqs := rec.requests()
	if len(reqs) != 1 {
		t.Fatalf("%d requests, want 1", len(reqs))
	}
	r := reqs[0]
	if r.method != "POST" || r.path != "/civicrm/ajax/api4/Membership/get" || r.rawQuery != "" {
		t.Errorf("request line = %s %s?%s", r.method, r.path, r.rawQuery)
	}
	for k, want := range map[string]string{
		"X-Civi-Auth":      "Bearer " + testKey,
		"X-Requested-With": "XMLHttpRequest",
		"Accept":           "application/json",
		"Content-Type":     "application/x-www-form-urlencoded",
		"User-Agent":       "civivote",
		"Authorization":    "",
		"Cookie":           "",
	} {
		if got := r.header.Get(k); got != want {
			t.Errorf("header %s = %q, want %q", k, got, want)
		}
	}
	params := `{"select":["row_count"],"where":[["status_id.is_current_member","=",true],` +
		`["membership_type_id:name","IN",["Union Member"]],["contact_id.is_deleted","=",false],` +
		`["contact_id.is_deceased","=",false]]}`
	if want := "params=" + url.QueryEscape(params); r.body != want {
		t.Errorf("body =\n%s\nwant\n%s", r.body, want)
	}
}

func TestPathStyles(t *testing.T) {
	for _, tc := range []struct {
		style     PathStyle
		base      string
		wantPath  string
		wantQuery string
	}{
		{PathStyleClean, "", "/civicrm/ajax/api4/Membership/get", ""},
		{PathStyleClean, "/drupal/", "/drupal/civicrm/ajax/api4/Membership/get", ""},
		{PathStyleWordPress, "", "/", "civiwp=CiviCRM&q=civicrm/ajax/api4/Membership/get"},
		{PathStyleQuery, "/site", "/site/", "q=civicrm/ajax/api4/Membership/get"},
	} {
		t.Run(tc.style.String()+tc.base, func(t *testing.T) {
			rec := script(jsonAnswer(transcriptAnswers()[35].body))
			c, _ := newTestClient(t, rec, func(cfg *Config) {
				cfg.BaseURL += tc.base
				cfg.PathStyle = tc.style
			})
			if _, err := c.CountCurrentMembers(context.Background(), MemberQuery{}); err != nil {
				t.Fatal(err)
			}
			r := rec.requests()[0]
			if r.path != tc.wantPath || r.rawQuery != tc.wantQuery {
				t.Errorf("got %s?%s, want %s?%s", r.path, r.rawQuery, tc.wantPath, tc.wantQuery)
			}
		})
	}
}

func TestParsePathStyle(t *testing.T) {
	for in, want := range map[string]PathStyle{"": PathStyleClean, "Clean": PathStyleClean,
		"wordpress": PathStyleWordPress, "query": PathStyleQuery} {
		if got, err := ParsePathStyle(in); err != nil || got != want {
			t.Errorf("ParsePathStyle(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	if _, err := ParsePathStyle("joomla"); err == nil || !strings.Contains(err.Error(), "wordpress") {
		t.Errorf("ParsePathStyle(joomla) error = %v, want one listing the styles", err)
	}
}

func TestNewValidatesConfig(t *testing.T) {
	for _, tc := range []struct {
		url, key string
		want     []string
	}{
		{"", "k", []string{"base URL is empty", "CIVIVOTE_CIVICRM_URL"}},
		{"ftp://crm.example.org", "k", []string{"must start with https://"}},
		{"https://", "k", []string{"has no host"}},
		{"https://crm.example.org/?civiwp=CiviCRM", "k", []string{"must not have a query", "wordpress path style"}},
		{"https://crm.example.org/civicrm/ajax/api4", "k", []string{"points inside CiviCRM"}},
		{"https://u:p@crm.example.org", "k", []string{"must not contain a user"}},
		{"https://crm.example.org", "", []string{"API key is empty", "CIVIVOTE_CIVICRM_API_KEY"}},
		{"https://crm.example.org", "key\n", []string{"white space"}},
		{"nonsense", "", []string{"must start with https://", "API key is empty"}},
	} {
		_, err := New(Config{BaseURL: tc.url, APIKey: tc.key}, nil, nil)
		if err == nil {
			t.Errorf("New(%q, %q) succeeded", tc.url, tc.key)
			continue
		}
		for _, w := range tc.want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("New(%q, %q) error %q does not say %q", tc.url, tc.key, err, w)
			}
		}
	}
	if _, err := New(Config{BaseURL: "https://crm.example.org/", APIKey: "k"}, nil, nil); err != nil {
		t.Errorf("valid config refused: %v", err)
	}
}

func TestNoCookieJar(t *testing.T) {
	rec := script(jsonAnswer(transcriptAnswers()[35].body))
	c, _ := newTestClient(t, rec)
	for range 2 {
		if _, err := c.CountCurrentMembers(context.Background(), MemberQuery{}); err != nil {
			t.Fatal(err)
		}
	}
	if got := rec.requests()[1].header.Get("Cookie"); got != "" {
		t.Errorf("second request sent Cookie %q; CiviCRM's session cookie must not be kept", got)
	}
}

func TestAPIKeyNeverLogged(t *testing.T) {
	a := transcriptAnswers()
	rec := script(answer{503, "text/html", "<h1>down</h1>"}, a[36])
	core, logs := observer.New(zap.DebugLevel)
	sl := &sleeps{}
	srvClient, _ := newTestClient(t, rec) // only for its URL
	c, err := New(Config{BaseURL: srvClient.base, APIKey: testKey, Sleep: sl.sleep}, zap.New(core),
		prometheus.NewRegistry())
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.CountCurrentMembers(context.Background(), MemberQuery{})
	if !errors.Is(err, KindAuth) {
		t.Fatalf("err = %v, want KindAuth", err)
	}
	if strings.Contains(err.Error(), testKey) {
		t.Errorf("error shows the API key: %v", err)
	}
	if logs.Len() == 0 {
		t.Fatal("no retry was logged")
	}
	for _, e := range logs.All() {
		if s := fmt.Sprint(e.Message, e.ContextMap()); strings.Contains(s, testKey) {
			t.Errorf("log entry shows the API key: %s", s)
		}
	}
}
