package civicrmtest

import (
	"fmt"
	"math/rand/v2"
	"net/http"
	"strconv"
)

// apiError is an error CiviCRM reports as a JSON body.
type apiError struct {
	status  int
	msg     string
	generic bool // 403s carry only a generic message and an error id
}

func (e *apiError) Error() string { return e.msg }

// apiErr is a 500 API exception (validation, invalid field, DB error).
func apiErr(msg string) error { return &apiError{status: http.StatusInternalServerError, msg: msg} }

func apiErrf(format string, args ...any) error { return apiErr(fmt.Sprintf(format, args...)) }

// errForbidden is an UnauthorizedException: CiviCRM hides the reason.
func errForbidden() error { return &apiError{status: http.StatusForbidden, generic: true} }

// htmlError is a PHP fatal error rendered as CiviCRM's HTML error page.
type htmlError struct{ msg string }

func (e *htmlError) Error() string { return e.msg }

// errorID makes an id like CiviCRM's "fD6D-pqRs-4N60".
func errorID() string {
	const chars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
	b := make([]byte, 0, 14)
	for i := range 12 {
		if i > 0 && i%4 == 0 {
			b = append(b, '-')
		}
		b = append(b, chars[rand.IntN(len(chars))])
	}
	return string(b)
}

// sessionID makes a fresh 64-hex-digit session id; every CiviCRM answer
// sets one, which is why clients must not keep a cookie jar.
func sessionID() string {
	b := make([]byte, 0, 64)
	for range 4 {
		b = append(b, fmt.Sprintf("%016x", rand.Uint64())...)
	}
	return string(b)
}

func setCommonHeaders(h http.Header) {
	h.Set("X-Powered-By", "PHP/8.2.36")
	h.Set("Set-Cookie", "SESSCIVISO="+sessionID()+"; path=/; HttpOnly")
	h.Set("Expires", "Thu, 19 Nov 1981 08:52:00 GMT")
	h.Set("Cache-Control", "no-store, no-cache, must-revalidate")
	h.Set("Pragma", "no-cache")
}

func writeBody(w http.ResponseWriter, status int, contentType string, body []byte) {
	w.Header().Set("Content-Type", contentType)
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

func writeJSON(w http.ResponseWriter, status int, body []byte) {
	writeBody(w, status, "application/json", body)
}

// writeAPIError renders err the way CiviCRM's AJAX handler does.
func writeAPIError(w http.ResponseWriter, err *apiError) {
	var b []byte
	if err.generic {
		b = append(b, `{"error_code":"1","error_message":"Sorry an error occurred and your request was not completed. (Error ID: `...)
		b = append(b, errorID()...)
		b = append(b, `)","status":`...)
	} else {
		b = append(b, `{"error_id":"`...)
		b = append(b, errorID()...)
		b = append(b, `","error_code":0,"error_message":`...)
		b = appendString(b, err.msg)
		b = append(b, `,"status":`...)
	}
	b = strconv.AppendInt(b, int64(err.status), 10)
	b = append(b, '}')
	writeJSON(w, err.status, b)
}

// writeFatalPage renders CiviCRM's HTML error page (transcript 50).
func writeFatalPage(w http.ResponseWriter, msg string) {
	var b []byte
	b = append(b, `<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Strict//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-strict.dtd">
<html xmlns="http://www.w3.org/1999/xhtml" lang="en" xml:lang="en">

<head>
  <title>Error</title>
  <meta http-equiv="Content-Type" content="text/html; charset=utf-8" />
</head>
<body>
<div id="crm-container" class="crm-container" lang="en" xml:lang="en">
  <div class="crm-fatal">
    <div class="crm-fatal-messages">
      <div class="crm-section crm-error-message">
        `...)
	b = append(b, htmlEscape(msg)...)
	b = append(b, `
      </div>
    </div>
  </div>
</div> </body>
</html>
`...)
	writeBody(w, http.StatusInternalServerError, "text/html; charset=UTF-8", b)
}

func htmlEscape(s string) string {
	var b []byte
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '<':
			b = append(b, "&lt;"...)
		case '>':
			b = append(b, "&gt;"...)
		case '&':
			b = append(b, "&amp;"...)
		case '"':
			b = append(b, "&quot;"...)
		default:
			b = append(b, c)
		}
	}
	return string(b)
}
