package civicrm

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
)

// TestClassifyTranscripts classifies every recorded error answer.
func TestClassifyTranscripts(t *testing.T) {
	a := transcriptAnswers()
	for _, tc := range []struct {
		n       int
		kind    Kind
		message string
		errorID string
		advice  []string
	}{
		{13, KindNotFound, "Expected one Contact but found 0", "fD6D-pqRs-4N60", nil},
		{16, KindValidation, "DB Error: already exists", "SKkV-N7lu-SUvt", nil},
		{34, KindValidation, "Invalid Relationship", "NC6r-ODgG-Of3n", nil},
		{36, KindAuth, "Invalid credential", "", []string{"rejected the API key", "CIVIVOTE_CIVICRM_API_KEY"}},
		{37, KindPermission, "", "aH6I-aupU-Aq9o", []string{"lacks a permission", "access CiviCRM",
			"access AJAX API", "authenticate with api key", "access CiviMember", "edit all contacts"}},
		{40, KindPermission, "", "T6bs-7CfE-r6MR", nil},
		{41, KindPermission, "", "Zo38-V39S-LANz", nil},
		{43, KindPermission, "", "KSEb-Zqo9-KoU1", nil},
		{45, KindValidation, "Invalid field 'no_such_field'", "x76x-FVKA-gIHD", nil},
		{47, KindValidation, "Invalid field 'bogus'", "Yblj-ku7z-W4EG", nil},
		{48, KindValidation, "API (NoSuchEntity, get) does not exist", "woui-fn2p-oGv6", nil},
		{49, KindValidation, "Api Contact frobnicate version 4 does not exist.", "fq02-7Yoa-tULR", nil},
		{50, KindHTML, "array_diff_key(): Argument #2 must be of type array, null given", "",
			[]string{"CiviCRM answered with an HTML page"}},
		{51, KindValidation, "Unknown api parameter: set0", "Hm0M-jQ1F-oEl3", nil},
		{52, KindValidation, "Unknown api parameter: setSelectt", "HFxV-Kzx7-85gg", nil},
		{53, KindValidation, "Illegal operator", "3XrB-P0we-9SXH", nil},
		{56, KindValidation, "DB Error: constraint violation", "SejR-NUnS-fQNW", nil},
		{57, KindRequest, "SECURITY: All requests that modify the database must be http POST, not GET.", "", nil},
		{60, KindNotFound, "Expected one Contact but found 0", "tCsl-ba2t-yhHF", nil},
		{64, KindValidation, "Api System get version 4 does not exist.", "JzgA-8TA1-5WCU", nil},
		{68, KindNotFound, "Expected one Contact but found 0", "xRF3-QLIA-g2xX", nil},
		{71, KindValidation, "DB Error: already exists", "RDbK-Z5on-dV0a", nil},
		{82, KindServer, "", "", []string{"empty answer", "max_execution_time"}},
	} {
		ans := a[tc.n]
		h := http.Header{"Content-Type": {ans.ctype}}
		e := classify(ans.status, h, []byte(ans.body), "E", "a")
		if e == nil {
			t.Errorf("transcript %d: classified as success", tc.n)
			continue
		}
		if e.Kind != tc.kind || !strings.HasPrefix(e.Message, tc.message) || e.ErrorID != tc.errorID {
			t.Errorf("transcript %d: got kind %s message %q id %q; want %s %q %q",
				tc.n, e.Kind, e.Message, e.ErrorID, tc.kind, tc.message, tc.errorID)
		}
		for _, w := range tc.advice {
			if !strings.Contains(e.Error(), w) {
				t.Errorf("transcript %d: %q does not say %q", tc.n, e.Error(), w)
			}
		}
	}
}

func TestClassifySuccessAndOddAnswers(t *testing.T) {
	a := transcriptAnswers()
	for _, n := range []int{1, 4, 35, 66, 33} {
		if e := classify(200, http.Header{"Content-Type": {"application/json"}}, []byte(a[n].body), "E", "a"); e != nil {
			t.Errorf("transcript %d: %v", n, e)
		}
	}
	for _, tc := range []struct {
		status int
		ctype  string
		body   string
		kind   Kind
		msg    string
	}{
		{200, "text/html", "<html><head><title>Log in</title></head><body>\n<h1>Log in to Example</h1></body></html>",
			KindHTML, "Log in"},
		{200, "text/plain", "", KindDecode, ""},
		{301, "text/html", "", KindRedirect, ""},
		{404, "text/html", "<h1>Page not found</h1>", KindEndpoint, "Page not found"},
		{400, "application/json", `{"error_code":400,"error_message":"SECURITY ALERT: Ajax requests can only be issued by javascript clients, eg. CRM.api4()."}`,
			KindRequest, "SECURITY ALERT"},
		{429, "text/html", "<h1>429 Too Many Requests</h1>", KindRateLimited, "429 Too Many Requests"},
		{503, "application/json", `{"status_code":503,"status_message":"Temporarily unavailable for maintenance."}`,
			KindServer, "Temporarily unavailable for maintenance."},
		{500, "application/json", `{"error_code":"1","error_message":"Sorry an error occurred and your request was not completed. (Error ID: ab12-cd34)","status":500}`,
			KindServer, "Sorry an error occurred"},
		{500, "application/json", `{"error_id":"x","error_code":0,"error_message":"DB Error: unknown error","status":500}`,
			KindServer, "DB Error: unknown error"},
		{502, "text/html", "<html><head><title>502 Bad Gateway</title></head><body><h1>502 Bad Gateway</h1></body></html>",
			KindServer, "502 Bad Gateway"},
	} {
		e := classify(tc.status, http.Header{"Content-Type": {tc.ctype}}, []byte(tc.body), "E", "a")
		if e == nil || e.Kind != tc.kind || !strings.HasPrefix(e.Message, tc.msg) {
			t.Errorf("%d %q: got %+v, want kind %s message %q", tc.status, tc.body, e, tc.kind, tc.msg)
		}
	}
}

func TestRedirectRefused(t *testing.T) {
	rec := script(answer{301, "text/html", ""})
	rec.header = http.Header{"Location": {"https://crm.example.org/wp-admin/admin.php?page=CiviCRM"}}
	c, sl := newTestClient(t, rec)
	_, err := c.CountCurrentMembers(context.Background(), MemberQuery{})
	var e *APIError
	if !errors.As(err, &e) || e.Kind != KindRedirect {
		t.Fatalf("err = %v, want a KindRedirect *APIError", err)
	}
	if e.Location != "https://crm.example.org/wp-admin/admin.php?page=CiviCRM" ||
		!strings.Contains(e.Error(), "base URL is probably wrong") {
		t.Errorf("error = %v (location %q)", e, e.Location)
	}
	if n := len(rec.requests()); n != 1 || len(sl.all()) != 0 {
		t.Errorf("%d requests and %d retries; a redirect must be neither followed nor retried", n, len(sl.all()))
	}
}

func TestErrorsIsKind(t *testing.T) {
	var err error = &APIError{Kind: KindPermission, Entity: "Membership", Action: "get"}
	if !errors.Is(err, KindPermission) || errors.Is(err, KindAuth) {
		t.Errorf("errors.Is does not match kinds")
	}
}

func TestHTMLSummary(t *testing.T) {
	for in, want := range map[string]string{
		transcriptAnswers()[50].body: "array_diff_key(): Argument #2 must be of type array, null given",
		"<html><head><style>p{}</style><title>T</title></head><body>\n\n  <p>First &amp; line</p>\n<p>second</p></body></html>": "First & line",
		"<html><head><title>Only a title</title></head><body></body></html>":                                                    "Only a title",
	} {
		if got := htmlSummary([]byte(in)); got != want {
			t.Errorf("htmlSummary(%.40q) = %q, want %q", in, got, want)
		}
	}
}
