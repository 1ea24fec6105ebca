package civicrm

import (
	"fmt"
	"strings"
)

// Kind classifies a failed CiviCRM call by what an administrator has to do
// about it. Kind implements error so that callers can write
// errors.Is(err, civicrm.KindAuth) without the package keeping sentinel
// variables.
type Kind string

// Kinds of failure. Each *APIError carries exactly one.
const (
	// KindTransport: no usable answer (connection refused, timeout, reset,
	// truncated body).
	KindTransport Kind = "transport"
	// KindAuth: HTTP 401, the API key was rejected.
	KindAuth Kind = "auth"
	// KindPermission: HTTP 403, the key's user lacks a permission.
	KindPermission Kind = "permission"
	// KindValidation: HTTP 500 with an API error message (invalid field,
	// constraint violation, duplicate …); retrying cannot help.
	KindValidation Kind = "validation"
	// KindNotFound: the record the call names does not exist ("Expected one
	// Contact but found 0").
	KindNotFound Kind = "not_found"
	// KindServer: CiviCRM or a proxy failed (5xx without an API message,
	// maintenance mode, a hidden "Sorry an error occurred" message).
	KindServer Kind = "server"
	// KindRateLimited: HTTP 429.
	KindRateLimited Kind = "rate_limited"
	// KindHTML: an HTML page where JSON was expected.
	KindHTML Kind = "html"
	// KindRedirect: a 3xx answer; the base URL or path style is wrong.
	KindRedirect Kind = "redirect"
	// KindEndpoint: HTTP 404; the base URL or path style is wrong.
	KindEndpoint Kind = "endpoint"
	// KindRequest: HTTP 400 or 405, CiviCRM refused the request's form.
	KindRequest Kind = "request"
	// KindDecode: a 200 answer whose JSON does not have the expected shape.
	KindDecode Kind = "decode"
	// KindInconsistent: answers that contradict each other, such as a short
	// member page followed by more members; the pass is not trusted.
	KindInconsistent Kind = "inconsistent"
)

// Error makes Kind usable as an errors.Is target.
func (k Kind) Error() string { return "civicrm: " + string(k) }

// APIError is a failed CiviCRM call. Its message says what went wrong and
// what an administrator should check.
type APIError struct {
	Kind     Kind
	Status   int    // HTTP status, 0 when no answer arrived
	Entity   string // APIv4 entity, e.g. "Membership"
	Action   string // APIv4 action, e.g. "get"
	Message  string // CiviCRM's own message, or the first line of the body
	ErrorID  string // CiviCRM's error id, to look up in its log
	Location string // redirect target, for KindRedirect
	// Partial is set on failed writes that may have been partly applied:
	// CiviCRM saves records one at a time and rolls nothing back.
	Partial  bool
	Attempts int   // requests made, retries included
	Err      error // underlying transport or decode error, if any
}

// Error implements error.
func (e *APIError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "civicrm: %s.%s: %s", e.Entity, e.Action, e.advice())
	if e.ErrorID != "" {
		fmt.Fprintf(&b, " (CiviCRM error ID %s)", e.ErrorID)
	}
	if e.Partial {
		b.WriteString("; the write may have been partly applied (CiviCRM saves records one by one " +
			"and rolls nothing back): retry it whole, saves by id or with match are idempotent")
	}
	if e.Attempts > 1 {
		fmt.Fprintf(&b, " (gave up after %d attempts)", e.Attempts)
	}
	return b.String()
}

func (e *APIError) advice() string {
	switch e.Kind {
	case KindAuth:
		return fmt.Sprintf("CiviCRM rejected the API key (HTTP 401: %s): check CIVIVOTE_CIVICRM_API_KEY, "+
			"that the key's contact has a CMS user with the permission 'authenticate with api key', "+
			"and that the authx extension accepts API keys in the X-Civi-Auth header", e.Message)
	case KindPermission:
		return "the API key's user lacks a permission (HTTP 403); grant it 'access CiviCRM', " +
			"'access AJAX API', 'authenticate with api key', 'access CiviMember', 'edit all contacts' " +
			"(and 'view all contacts', 'edit groups' for group writes); a proxy that strips the " +
			"X-Civi-Auth header also causes this"
	case KindValidation, KindNotFound:
		return "CiviCRM refused the call: " + e.Message
	case KindServer:
		if e.Message == "" {
			return fmt.Sprintf("CiviCRM failed with HTTP %d and an empty answer (often PHP's "+
				"max_execution_time or memory_limit: use smaller batches)", e.Status)
		}
		if strings.HasPrefix(e.Message, "Sorry an error occurred") {
			return fmt.Sprintf("CiviCRM failed with HTTP %d and hid the reason: look the error ID up "+
				"in CiviCRM's log, or grant the API user 'view debug output' to see it", e.Status)
		}
		return fmt.Sprintf("CiviCRM failed with HTTP %d: %s", e.Status, e.Message)
	case KindRateLimited:
		return "CiviCRM (or a proxy in front of it) is rate-limiting civivote (HTTP 429); " +
			"lower the sync frequency or raise the limit"
	case KindHTML:
		if e.Status >= 500 {
			return fmt.Sprintf("CiviCRM answered with an HTML page (HTTP %d): %q; CiviCRM failed, "+
				"its log has the details", e.Status, e.Message)
		}
		return fmt.Sprintf("CiviCRM answered with an HTML page (HTTP %d): %q; check CIVIVOTE_CIVICRM_URL "+
			"and the path style (WordPress sites need the wordpress style)", e.Status, e.Message)
	case KindRedirect:
		return fmt.Sprintf("CiviCRM redirected the API call (HTTP %d to %q): the base URL is probably "+
			"wrong (http instead of https, a missing or extra path, or a WordPress site that needs the "+
			"wordpress path style)", e.Status, e.Location)
	case KindEndpoint:
		return "no CiviCRM API at this address (HTTP 404): check CIVIVOTE_CIVICRM_URL and the path style"
	case KindRequest:
		return fmt.Sprintf("CiviCRM refused the request (HTTP %d: %s); a proxy that strips the "+
			"X-Requested-With header or rewrites POST to GET causes this", e.Status, e.Message)
	case KindDecode:
		return fmt.Sprintf("CiviCRM's answer could not be read: %v", e.Err)
	case KindInconsistent:
		return e.Message
	default: // KindTransport
		return fmt.Sprintf("no answer from CiviCRM: %v; check that the site is up and "+
			"CIVIVOTE_CIVICRM_URL is right", e.Err)
	}
}

// Unwrap returns the underlying transport or decode error.
func (e *APIError) Unwrap() error { return e.Err }

// Is reports whether target is e's Kind, so errors.Is(err, KindAuth) works.
func (e *APIError) Is(target error) bool {
	k, ok := target.(Kind)
	return ok && k == e.Kind
}
