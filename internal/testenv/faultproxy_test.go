package testenv

import (
	"bufio"
	"net"
	"testing"
	"time"
)

// echoServer answers each line with the same line.
func echoServer(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				r := bufio.NewReader(c)
				for {
					line, err := r.ReadString('\n')
					if err != nil {
						return
					}
					if _, err := c.Write([]byte(line)); err != nil {
						return
					}
				}
			}()
		}
	}()
	return ln.Addr().String()
}

// roundTrip sends a line on c and reads the answer.
func roundTrip(c net.Conn) (string, error) {
	_ = c.SetDeadline(time.Now().Add(5 * time.Second))
	if _, err := c.Write([]byte("ping\n")); err != nil {
		return "", err
	}
	return bufio.NewReader(c).ReadString('\n')
}

func TestFaultProxyCutsAndRestores(t *testing.T) {
	p := NewFaultProxy(t, echoServer(t))

	before, err := net.Dial("tcp", p.Addr())
	if err != nil {
		t.Fatal(err)
	}
	defer before.Close()
	if got, err := roundTrip(before); err != nil || got != "ping\n" {
		t.Fatalf("through the proxy: %q, %v; want the echo", got, err)
	}

	p.Cut()
	if _, err := roundTrip(before); err == nil {
		t.Error("a connection open before the cut still works")
	}
	if c, err := net.Dial("tcp", p.Addr()); err == nil {
		if _, err := roundTrip(c); err == nil {
			t.Error("a new connection works while cut")
		}
		c.Close()
	}

	p.Restore()
	after, err := net.Dial("tcp", p.Addr())
	if err != nil {
		t.Fatal(err)
	}
	defer after.Close()
	if got, err := roundTrip(after); err != nil || got != "ping\n" {
		t.Errorf("after restore: %q, %v; want the echo", got, err)
	}
}
