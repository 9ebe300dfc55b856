package sp

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"
)

// A Server runs an [SP] on a loopback port, in the manner of
// httptest.Server. Messages keep the real Twilio URLs; only the transport
// is local.
type Server struct {
	sp       *SP
	listener net.Listener
	srv      *http.Server

	mu      sync.Mutex
	started bool
	closed  bool
}

// NewServer starts a server for s on 127.0.0.1 at a free port. The caller
// must Close it. Like httptest.NewServer, it panics when no port can be
// had; use [Listen] to get an error instead.
func NewServer(s *SP) *Server {
	srv, err := Listen(s, "127.0.0.1:0")
	if err != nil {
		panic(err.Error())
	}
	return srv
}

// Listen starts a server for s on addr, which must be a loopback address
// such as 127.0.0.1:8443 or [::1]:0.
func Listen(s *SP, addr string) (*Server, error) {
	addr, err := loopbackAddr(addr)
	if err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("sp: listen on %s: %w", addr, err)
	}
	srv := &Server{sp: s, listener: ln, started: true, srv: &http.Server{
		Handler:           onlyHosts(s.Handler(), TwilioBase),
		ReadHeaderTimeout: 10 * time.Second,
	}}
	go func() {
		if err := srv.srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			s.log.Error("server stopped", "err", err)
		}
	}()
	return srv, nil
}

// URL returns the server's base URL, http://127.0.0.1:<port>.
func (srv *Server) URL() string { return "http://" + srv.listener.Addr().String() }

// SP returns the service provider being served.
func (srv *Server) SP() *SP { return srv.sp }

// ACSURL returns the loopback URL of the ACS.
func (srv *Server) ACSURL() string { return srv.URL() + acsPath + srv.sp.cfg.RealmSID }

// Close stops the server, waiting briefly for requests in flight. Calling
// it again does nothing.
func (srv *Server) Close() {
	srv.mu.Lock()
	defer srv.mu.Unlock()
	if srv.closed {
		return
	}
	srv.closed = true
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := srv.srv.Shutdown(ctx); err != nil {
		_ = srv.srv.Close()
	}
}

// loopbackAddr returns addr if its host is a loopback address, and with
// 127.0.0.1 for localhost, a name that resolves elsewhere; it refuses
// any other host.
func loopbackAddr(addr string) (string, error) {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return "", fmt.Errorf("sp: listen address %q: %w", addr, err)
	}
	if host == "localhost" {
		return net.JoinHostPort("127.0.0.1", port), nil
	}
	if ip := net.ParseIP(host); ip != nil && ip.IsLoopback() {
		return addr, nil
	}
	return "", fmt.Errorf("sp: refusing to listen on %s: loopback only", addr)
}

// onlyHosts answers requests whose Host is a loopback address, localhost
// or the host of one of the URLs, and refuses others with 421: a web page
// that rebinds its own name to 127.0.0.1 cannot read what the server says.
func onlyHosts(h http.Handler, urls ...string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		host := r.Host
		if name, _, err := net.SplitHostPort(host); err == nil {
			host = name
		}
		ok := host == "localhost" || net.ParseIP(strings.Trim(host, "[]")).IsLoopback()
		for _, u := range urls {
			if p, err := url.Parse(u); err == nil && strings.EqualFold(p.Hostname(), host) {
				ok = true
			}
		}
		if !ok {
			http.Error(w, "sp: this server answers for loopback addresses and "+
				strings.Join(urls, ", ")+" only", http.StatusMisdirectedRequest)
			return
		}
		h.ServeHTTP(w, r)
	})
}
