package idpmock

import (
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"
)

// A Server serves an [IdP]'s [IdP.Handler] on a loopback port, in the
// manner of httptest.Server: [NewServer] starts it, [Server.Close] stops
// it. It listens on 127.0.0.1 only.
type Server struct {
	idp      *IdP
	listener net.Listener
	srv      *http.Server

	mu      sync.Mutex
	started bool
	closed  bool
	served  chan struct{} // closed when Serve returns
}

// NewServer starts a server for p on 127.0.0.1 at a free port. The caller
// must Close it. Like httptest.NewServer, it panics when no port can be
// had.
func NewServer(p *IdP) *Server {
	s := NewUnstartedServer(p)
	s.Start()
	return s
}

// NewUnstartedServer returns a server for p that listens on 127.0.0.1 at
// a free port but does not answer until [Server.Start]. It panics when no
// port can be had.
func NewUnstartedServer(p *IdP) *Server {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		panic(fmt.Sprintf("idpmock: listen on a loopback port: %v", err))
	}
	return newServer(p, ln)
}

// Listen starts a server for p on addr, which must be a loopback address
// such as 127.0.0.1:8080 or [::1]:0. Unlike [NewServer] it returns an
// error when the address cannot be had.
func Listen(p *IdP, addr string) (*Server, error) {
	addr, err := loopbackAddr(addr)
	if err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("idpmock: listen on %s: %w", addr, err)
	}
	s := newServer(p, ln)
	s.Start()
	return s, nil
}

// loopbackAddr returns addr if its host is a loopback address, and with
// 127.0.0.1 for localhost, a name that resolves elsewhere; it refuses
// any other host.
func loopbackAddr(addr string) (string, error) {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return "", fmt.Errorf("idpmock: listen address %q: %w", addr, err)
	}
	if host == "localhost" {
		return net.JoinHostPort("127.0.0.1", port), nil
	}
	if ip := net.ParseIP(host); ip != nil && ip.IsLoopback() {
		return addr, nil
	}
	return "", fmt.Errorf("idpmock: refusing to listen on %s: loopback only", addr)
}

func newServer(p *IdP, ln net.Listener) *Server {
	return &Server{
		idp:      p,
		listener: ln,
		srv: &http.Server{
			Handler:           onlyHosts(p.Handler(), p.cfg.SignInURL, p.cfg.IssuerURL),
			ReadHeaderTimeout: 10 * time.Second,
			ErrorLog:          slog.NewLogLogger(p.log.Handler(), slog.LevelWarn),
		},
		served: make(chan struct{}),
	}
}

// Start starts serving. It panics if the server was started or closed.
func (s *Server) Start() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.started || s.closed {
		panic("idpmock: Server.Start called twice or after Close")
	}
	s.started = true
	go func() {
		defer close(s.served)
		err := s.srv.Serve(s.listener)
		if err != nil && !errors.Is(err, http.ErrServerClosed) {
			s.idp.log.Error("server stopped", "err", err)
		}
	}()
	s.idp.log.Info("server started", "url", s.URL())
}

// URL returns the server's base URL, http://127.0.0.1:<port>, with no
// trailing slash. The IdP's paths hang under it: URL()+"/start" is the
// access portal.
func (s *Server) URL() string {
	return "http://" + s.listener.Addr().String()
}

// IdP returns the IdP the server serves.
func (s *Server) IdP() *IdP { return s.idp }

// Close stops the server, ends open connections and waits until it has
// stopped serving. Calling it again does nothing.
func (s *Server) Close() {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return
	}
	s.closed = true
	started := s.started
	s.mu.Unlock()

	if !started {
		_ = s.listener.Close()
		return
	}
	_ = s.srv.Close()
	<-s.served
}

// onlyHosts answers requests whose Host is a loopback address, localhost
// or the host of one of the URLs, and refuses others with 421: a web page
// that rebinds its own name to 127.0.0.1 cannot read a signed Response.
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
			http.Error(w, "idpmock: this server answers for loopback addresses and "+
				"the IAM Identity Center portal host only", http.StatusMisdirectedRequest)
			return
		}
		h.ServeHTTP(w, r)
	})
}
