package testenv

import (
	"io"
	"net"
	"net/url"
	"sync"
	"testing"
)

// FaultProxy is a TCP proxy on the loopback interface between the code under
// test and a real service, such as the shared Postgres, that one test can
// cut to make the service unreachable for that test alone and then restore.
type FaultProxy struct {
	target string
	ln     net.Listener

	mu    sync.Mutex
	cut   bool
	conns map[net.Conn]struct{}
	wg    sync.WaitGroup
}

// NewFaultProxy listens on a free loopback port and forwards every
// connection to target ("host:port"). It stops at the end of the test.
func NewFaultProxy(tb testing.TB, target string) *FaultProxy {
	tb.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatalf("fault proxy: %v", err)
	}
	p := &FaultProxy{target: target, ln: ln, conns: map[net.Conn]struct{}{}}
	p.wg.Add(1)
	go p.serve()
	tb.Cleanup(func() {
		ln.Close()
		p.closeAll()
		p.wg.Wait()
	})
	return p
}

// ProxyDatabase puts a FaultProxy in front of the Postgres server of the
// database URL dsn and returns the proxy and the URL that goes through it.
func ProxyDatabase(tb testing.TB, dsn string) (*FaultProxy, string) {
	tb.Helper()
	u, err := url.Parse(dsn)
	if err != nil {
		tb.Fatalf("fault proxy: database URL: %v", err)
	}
	p := NewFaultProxy(tb, u.Host)
	u.Host = p.Addr()
	return p, u.String()
}

// Addr is the proxy's "host:port".
func (p *FaultProxy) Addr() string { return p.ln.Addr().String() }

// Cut drops every connection through the proxy and, until Restore, resets
// each new one as soon as it arrives: to the client the service is gone.
func (p *FaultProxy) Cut() {
	p.mu.Lock()
	p.cut = true
	p.mu.Unlock()
	p.closeAll()
}

// Restore forwards new connections again.
func (p *FaultProxy) Restore() {
	p.mu.Lock()
	p.cut = false
	p.mu.Unlock()
}

func (p *FaultProxy) serve() {
	defer p.wg.Done()
	for {
		c, err := p.ln.Accept()
		if err != nil {
			return // closed at cleanup
		}
		p.mu.Lock()
		cut := p.cut
		p.mu.Unlock()
		if cut {
			reset(c)
			continue
		}
		p.wg.Add(1)
		go p.forward(c)
	}
}

func (p *FaultProxy) forward(client net.Conn) {
	defer p.wg.Done()
	server, err := net.Dial("tcp", p.target)
	if err != nil {
		reset(client)
		return
	}
	if !p.track(client, server) {
		reset(client)
		server.Close()
		return
	}
	var copies sync.WaitGroup
	copies.Add(2)
	pipe := func(dst, src net.Conn) {
		defer copies.Done()
		_, _ = io.Copy(dst, src)
		// One side ended: end the other too, as a real connection would.
		dst.Close()
		src.Close()
	}
	go pipe(server, client)
	go pipe(client, server)
	copies.Wait()
	p.untrack(client, server)
}

// track records a live pair of connections, unless the proxy was cut
// while the server side was being dialled.
func (p *FaultProxy) track(conns ...net.Conn) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.cut {
		return false
	}
	for _, c := range conns {
		p.conns[c] = struct{}{}
	}
	return true
}

func (p *FaultProxy) untrack(conns ...net.Conn) {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, c := range conns {
		delete(p.conns, c)
	}
}

func (p *FaultProxy) closeAll() {
	p.mu.Lock()
	defer p.mu.Unlock()
	for c := range p.conns {
		reset(c)
	}
}

// reset closes a connection with a TCP reset rather than an orderly close,
// as when a server goes away.
func reset(c net.Conn) {
	if tc, ok := c.(*net.TCPConn); ok {
		_ = tc.SetLinger(0)
	}
	c.Close()
}
