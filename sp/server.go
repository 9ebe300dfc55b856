package sp

import (
	"context"
	"errors"
	"net"
	"net/http"
	"time"
)

// A Server runs an [SP] on a loopback port, like httptest.Server. Messages
// keep the real Twilio URLs; only the transport is local.
type Server struct {
	// URL is the base URL of the listener, http://127.0.0.1:port.
	URL string
	// SP is the service provider being served.
	SP *SP

	ln  net.Listener
	srv *http.Server
}

// NewServer starts a Server for s on 127.0.0.1. The caller must Close it.
func NewServer(s *SP) (*Server, error) {
	srv := NewUnstartedServer(s)
	if err := srv.Start(); err != nil {
		return nil, err
	}
	return srv, nil
}

// NewUnstartedServer returns a Server for s that is not yet listening.
func NewUnstartedServer(s *SP) *Server {
	return &Server{SP: s, srv: &http.Server{
		Handler:           s.Handler(),
		ReadHeaderTimeout: 10 * time.Second,
	}}
}

// Start listens on 127.0.0.1 on a free port and serves in the background.
func (srv *Server) Start() error {
	return srv.StartAt("127.0.0.1:0")
}

// StartAt listens on addr, which must be a loopback address.
func (srv *Server) StartAt(addr string) error {
	if err := requireLoopback(addr); err != nil {
		return err
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	srv.ln = ln
	srv.URL = "http://" + ln.Addr().String()
	go func() { _ = srv.srv.Serve(ln) }()
	return nil
}

// ACSURL returns the loopback URL of the ACS.
func (srv *Server) ACSURL() string { return srv.URL + acsPath + srv.SP.cfg.RealmSID }

// Close stops the server, waiting briefly for requests in flight.
func (srv *Server) Close() error {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	return srv.srv.Shutdown(ctx)
}

func requireLoopback(addr string) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return err
	}
	if ip := net.ParseIP(host); host == "localhost" || (ip != nil && ip.IsLoopback()) {
		return nil
	}
	return errors.New("sp: refusing to listen on " + addr + ": loopback only")
}
