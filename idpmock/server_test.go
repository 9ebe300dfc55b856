package idpmock_test

import (
	"io"
	"net/http"
	"net/url"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/samlharness/samlharness/idpmock"
)

func get(t *testing.T, client *http.Client, target string) (int, string) {
	t.Helper()
	resp, err := client.Get(target)
	require.NoError(t, err)
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp.StatusCode, string(body)
}

func TestServer(t *testing.T) {
	t.Parallel()
	p := newIdP(t, frontlineConfig(t))
	s := idpmock.NewServer(p)
	defer s.Close()

	u, err := url.Parse(s.URL())
	require.NoError(t, err)
	assert.Equal(t, "http", u.Scheme)
	assert.Equal(t, "127.0.0.1", u.Hostname())
	assert.Same(t, p, s.IdP())

	status, body := get(t, http.DefaultClient, s.URL()+"/start")
	assert.Equal(t, http.StatusOK, status)
	assert.Contains(t, body, "alice@example.com")

	// The portal's tile, posted by a Go client: the form comes back.
	resp, err := http.PostForm(s.URL()+"/start/login", url.Values{"user": {"alice"}})
	require.NoError(t, err)
	page, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	require.NoError(t, resp.Body.Close())
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Equal(t, testACS, readForm(t, string(page)).Action)

	s.Close()
	s.Close() // a second Close does nothing
	_, err = http.Get(s.URL() + "/start")
	assert.Error(t, err, "a closed server answers nothing")
}

func TestUnstartedServer(t *testing.T) {
	t.Parallel()
	s := idpmock.NewUnstartedServer(newIdP(t, frontlineConfig(t)))
	defer s.Close()
	s.Start()
	assert.Panics(t, s.Start)

	status, body := get(t, http.DefaultClient,
		s.URL()+"/saml/metadata/"+testAppID)
	assert.Equal(t, http.StatusOK, status)
	assert.Contains(t, body, "md:EntityDescriptor")
}

func TestUnstartedServerClose(t *testing.T) {
	t.Parallel()
	s := idpmock.NewUnstartedServer(newIdP(t, frontlineConfig(t)))
	s.Close()
	assert.Panics(t, s.Start)
}

// TestServerHosts: the server answers for loopback and the portal's own
// host (a client routing the real URL to it), and refuses any other Host
// with 421, so that a page rebinding its name to 127.0.0.1 reads nothing.
func TestServerHosts(t *testing.T) {
	t.Parallel()
	p := newIdP(t, frontlineConfig(t))
	s := idpmock.NewServer(p)
	defer s.Close()
	portal, err := url.Parse(p.Config().SignInURL)
	require.NoError(t, err)
	for host, want := range map[string]int{
		"":                        http.StatusOK, // the listener's own address
		"localhost:8080":          http.StatusOK,
		portal.Host:               http.StatusOK,
		"rebind.example":          http.StatusMisdirectedRequest,
		"rebind.example:8080":     http.StatusMisdirectedRequest,
		"portal.example.com:8080": http.StatusMisdirectedRequest,
	} {
		req, err := http.NewRequest(http.MethodGet, s.URL()+"/start", nil)
		require.NoError(t, err)
		if host != "" {
			req.Host = host
		}
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		require.NoError(t, resp.Body.Close())
		assert.Equal(t, want, resp.StatusCode, host)
	}
}

// TestListenLoopbackOnly: Listen binds loopback addresses, and localhost
// as 127.0.0.1 rather than wherever the name resolves; it refuses any
// other address before listening.
func TestListenLoopbackOnly(t *testing.T) {
	t.Parallel()
	p := newIdP(t, frontlineConfig(t))
	for addr, want := range map[string]string{
		"127.0.0.1:0": "127.0.0.1", "localhost:0": "127.0.0.1", "[::1]:0": "::1"} {
		s, err := idpmock.Listen(p, addr)
		if want == "::1" && err != nil {
			t.Logf("no IPv6 loopback here: %v", err)
			continue
		}
		require.NoError(t, err, addr)
		u, err := url.Parse(s.URL())
		require.NoError(t, err)
		assert.Equal(t, want, u.Hostname(), addr)
		s.Close()
	}
	for _, addr := range []string{"0.0.0.0:0", ":0", "192.0.2.1:8080", "example.com:80"} {
		_, err := idpmock.Listen(p, addr)
		assert.ErrorContains(t, err, "loopback only", addr)
	}
}
