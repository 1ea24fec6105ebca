package civicrm

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"net/http"
	"regexp"
	"strings"
)

// errorBody is every error envelope CiviCRM sends: APIv4 exceptions
// ({"error_id","error_code","error_message","status"}), the CSRF and GET
// refusals ({"error_code","error_message"}) and maintenance mode
// ({"status_code","status_message"}).
type errorBody struct {
	ErrorID       string          `json:"error_id"`
	ErrorCode     json.RawMessage `json:"error_code"`
	ErrorMessage  string          `json:"error_message"`
	StatusMessage string          `json:"status_message"`
}

// classify turns one HTTP answer into nil (a 2xx JSON body, to be decoded) or
// an *APIError. It does not decide about retries; see retryable.
func classify(status int, header http.Header, body []byte, entity, action string) *APIError {
	e := &APIError{Status: status, Entity: entity, Action: action}
	trimmed := bytes.TrimSpace(body)
	isJSON := len(trimmed) > 0 && trimmed[0] == '{'
	isHTML := len(trimmed) > 0 && !isJSON &&
		(strings.Contains(header.Get("Content-Type"), "html") || trimmed[0] == '<')

	switch {
	case status >= 200 && status < 300:
		if isJSON {
			return nil
		}
		if isHTML {
			e.Kind, e.Message = KindHTML, htmlSummary(trimmed)
			return e
		}
		e.Kind, e.Message = KindDecode, firstLine(trimmed)
		e.Err = errNotJSON(trimmed)
		return e
	case status >= 300 && status < 400:
		e.Kind, e.Location = KindRedirect, header.Get("Location")
		return e
	}

	var eb errorBody
	if isJSON {
		// A body that is not even an error envelope still gets classified
		// by status below; its first line becomes the message.
		if err := json.Unmarshal(trimmed, &eb); err != nil {
			eb.ErrorMessage = firstLine(trimmed)
		}
		e.ErrorID = eb.ErrorID
		e.Message = eb.ErrorMessage
		if e.Message == "" {
			e.Message = eb.StatusMessage
		}
	} else if isHTML {
		e.Message = htmlSummary(trimmed)
	} else {
		e.Message = firstLine(trimmed)
	}
	if e.ErrorID == "" {
		e.ErrorID = hiddenErrorID(e.Message)
	}

	switch {
	case status == http.StatusUnauthorized:
		e.Kind = KindAuth
		e.Message = strings.TrimPrefix(e.Message, "HTTP 401 ")
	case status == http.StatusForbidden:
		e.Kind = KindPermission
	case status == http.StatusNotFound:
		e.Kind = KindEndpoint
	case status == http.StatusBadRequest || status == http.StatusMethodNotAllowed:
		e.Kind = KindRequest
	case status == http.StatusTooManyRequests:
		e.Kind = KindRateLimited
	case status == http.StatusBadGateway, status == http.StatusServiceUnavailable,
		status == http.StatusGatewayTimeout:
		// Usually a proxy's own page; the site behind it is down or slow.
		e.Kind = KindServer
	case isHTML:
		e.Kind = KindHTML
	case status == http.StatusInternalServerError && isJSON && eb.ErrorMessage != "":
		e.Kind = apiMessageKind(eb)
	default:
		e.Kind = KindServer
	}
	return e
}

// apiMessageKind sorts a 500 JSON error. CiviCRM reports validation
// failures, missing records and server trouble alike as 500; only the
// message tells them apart. "DB Error: unknown error" is what PEAR DB
// makes of MySQL errors it has no name for, such as deadlocks and lost
// connections: worth a bounded retry.
func apiMessageKind(eb errorBody) Kind {
	msg := eb.ErrorMessage
	switch {
	case string(eb.ErrorCode) == `"1"` || strings.HasPrefix(msg, "Sorry an error occurred"):
		// The generic form hides the reason (the API user lacks 'view debug
		// output'); it may be transient, so it is treated as a server error.
		return KindServer
	case strings.HasPrefix(msg, "Expected one ") && strings.HasSuffix(msg, " but found 0"):
		return KindNotFound
	case msg == "DB Error: unknown error", containsFold(msg, "deadlock"), containsFold(msg, "lock wait timeout"),
		containsFold(msg, "server has gone away"), containsFold(msg, "too many connections"):
		return KindServer
	default:
		return KindValidation
	}
}

func containsFold(s, sub string) bool {
	return strings.Contains(strings.ToLower(s), sub)
}

var errorIDPattern = regexp.MustCompile(`\(Error ID: ([A-Za-z0-9-]+)\)`)

// hiddenErrorID extracts the id from the generic "Sorry an error occurred …
// (Error ID: aH6I-aupU-Aq9o)" message, so the admin can grep CiviCRM's log.
func hiddenErrorID(msg string) string {
	if m := errorIDPattern.FindStringSubmatch(msg); m != nil {
		return m[1]
	}
	return ""
}

var (
	tagPattern      = regexp.MustCompile(`(?s)<[^>]*>`)
	headPattern     = regexp.MustCompile(`(?is)<head\b.*?</head>`)
	stylePattern    = regexp.MustCompile(`(?is)<(style|script)\b.*?</(style|script)>`)
	errorDivPattern = regexp.MustCompile(`(?is)class="[^"]*crm-error-message[^"]*"[^>]*>(.*?)</div>`)
	titlePattern    = regexp.MustCompile(`(?is)<title>(.*?)</title>`)
)

// htmlSummary picks the line of an HTML page an admin needs: CiviCRM's own
// error message when the page is CiviCRM's fatal-error page, otherwise the
// first non-empty line of text (a login form, a CMS 404 …), else the title.
func htmlSummary(page []byte) string {
	if m := errorDivPattern.FindSubmatch(page); m != nil {
		if s := firstLine(tagPattern.ReplaceAll(m[1], nil)); s != "" {
			return html.UnescapeString(s)
		}
	}
	text := stylePattern.ReplaceAll(headPattern.ReplaceAll(page, nil), nil)
	text = tagPattern.ReplaceAll(text, []byte("\n"))
	if s := firstLine(text); s != "" {
		return html.UnescapeString(s)
	}
	if m := titlePattern.FindSubmatch(page); m != nil {
		return html.UnescapeString(firstLine(m[1]))
	}
	return ""
}

// firstLine returns the first non-empty line, trimmed and cut to 200 bytes
// so a stray page never floods a log line.
func firstLine(b []byte) string {
	for line := range bytes.SplitSeq(b, []byte("\n")) {
		if s := strings.TrimSpace(string(line)); s != "" {
			if len(s) > 200 {
				s = s[:200] + "…"
			}
			return s
		}
	}
	return ""
}

func errNotJSON(body []byte) error {
	if len(body) == 0 {
		return errors.New("the body is empty, expected JSON")
	}
	return fmt.Errorf("expected JSON, got %q", firstLine(body))
}
