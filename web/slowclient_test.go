package web

import (
	"bufio"
	"errors"
	"io"
	"net"
	"net/http"
	"strings"
	"syscall"
	"testing"
	"time"

	"go.uber.org/zap"
)

// startLimitedServer serves the health routes on a real loopback listener with limits l.
func startLimitedServer(t *testing.T, l HTTPLimits) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	hs := NewHTTPServerWith(ln.Addr().String(), New(Options{}).Handler(), zap.NewNop(), l)
	go func() { _ = hs.Serve(ln) }()
	t.Cleanup(func() { hs.Close() })
	return ln.Addr().String()
}

// trickle writes msg one byte at a time, each after a short read that the server leaves
// unanswered (the read's deadline passing is the pacing, not a sleep). It returns how many
// bytes went out before the server cut the connection (with or without a 400), failing
// if it never does within giveUp.
func trickle(t *testing.T, conn net.Conn, msg string, giveUp time.Duration) int {
	t.Helper()
	end := time.Now().Add(giveUp)
	buf := make([]byte, 1)
	for i := 0; time.Now().Before(end); i++ {
		if i < len(msg) {
			if _, err := conn.Write([]byte{msg[i]}); err != nil {
				return i // the server has closed its end
			}
		}
		conn.SetReadDeadline(time.Now().Add(20 * time.Millisecond))
		_, err := conn.Read(buf)
		var ne net.Error
		switch {
		case errors.As(err, &ne) && ne.Timeout():
			continue // still held open: send the next byte
		case errors.Is(err, io.EOF), errors.Is(err, net.ErrClosed), isReset(err):
			return i + 1
		case err == nil:
			// Go may answer 400 as it closes: read the answer to its end.
			conn.SetReadDeadline(time.Now().Add(giveUp))
			rest, err := io.ReadAll(conn)
			if got := string(buf) + string(rest); (err != nil && !isReset(err)) || !strings.HasPrefix(got, "HTTP/1.1 400") {
				t.Fatalf("after %d bytes the server answered %q (%v), want 400 and a closed connection", i+1, got, err)
			}
			return i + 1
		default:
			t.Fatalf("read: %v", err)
		}
	}
	t.Fatalf("the server still held a trickling connection after %s", giveUp)
	return 0
}

func isReset(err error) bool { return errors.Is(err, syscall.ECONNRESET) }

func TestSlowClientsAreCutOff(t *testing.T) {
	limits := HTTPLimits{ReadHeaderTimeout: 300 * time.Millisecond, ReadTimeout: 600 * time.Millisecond,
		WriteTimeout: time.Second, IdleTimeout: 300 * time.Millisecond, MaxHeaderBytes: 4 << 10}
	addr := startLimitedServer(t, limits)

	t.Run("headers trickled (slowloris)", func(t *testing.T) {
		conn, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		req := "GET /healthz HTTP/1.1\r\nHost: x\r\n" + strings.Repeat("X-Slow: 1\r\n", 500) + "\r\n"
		if sent := trickle(t, conn, req, 20*time.Second); sent >= len(req) {
			t.Errorf("the whole request went out (%d bytes) before the cut", sent)
		}
	})

	t.Run("body trickled", func(t *testing.T) {
		conn, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		head := "POST /member/x/nomination HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 100000\r\n\r\n"
		if _, err := conn.Write([]byte(head)); err != nil {
			t.Fatal(err)
		}
		// The body never comes: the server waits for it at most ReadTimeout, then answers
		// and closes the connection rather than hold it for the rest.
		conn.SetReadDeadline(time.Now().Add(20 * time.Second))
		rest, err := io.ReadAll(conn)
		if err != nil {
			t.Fatalf("connection not closed by the server: %v", err)
		}
		if !strings.HasPrefix(string(rest), "HTTP/1.1 404") {
			t.Errorf("answer %q", rest)
		}
	})

	t.Run("idle keep-alive connection", func(t *testing.T) {
		conn, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		if _, err := conn.Write([]byte("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")); err != nil {
			t.Fatal(err)
		}
		br := bufio.NewReader(conn)
		resp, err := http.ReadResponse(br, nil)
		if err != nil || resp.StatusCode != 200 {
			t.Fatalf("healthz: %v %v", resp, err)
		}
		io.Copy(io.Discard, resp.Body)
		conn.SetReadDeadline(time.Now().Add(20 * time.Second))
		if _, err := br.ReadByte(); !errors.Is(err, io.EOF) && !isReset(err) {
			t.Errorf("idle connection: %v, want the server to close it", err)
		}
	})

	t.Run("oversized headers", func(t *testing.T) {
		conn, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		req := "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: " + strings.Repeat("a", 16<<10) + "\r\n\r\n"
		if _, err := conn.Write([]byte(req)); err != nil {
			t.Fatal(err)
		}
		conn.SetReadDeadline(time.Now().Add(20 * time.Second))
		resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
		if err != nil {
			t.Fatal(err)
		}
		if resp.StatusCode != http.StatusRequestHeaderFieldsTooLarge {
			t.Errorf("16 KiB header with a 4 KiB limit = %d, want 431", resp.StatusCode)
		}
	})
}

func TestDefaultHTTPLimits(t *testing.T) {
	hs := NewHTTPServer(":0", http.NotFoundHandler(), zap.NewNop())
	if hs.ReadHeaderTimeout != 10*time.Second || hs.ReadTimeout != 30*time.Second || hs.WriteTimeout != 60*time.Second ||
		hs.IdleTimeout != 120*time.Second || hs.MaxHeaderBytes != 64<<10 {
		t.Errorf("server limits %v %v %v %v %d", hs.ReadHeaderTimeout, hs.ReadTimeout, hs.WriteTimeout, hs.IdleTimeout, hs.MaxHeaderBytes)
	}
}
