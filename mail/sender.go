package mail

import (
	"context"
	"fmt"
	"net"
	netmail "net/mail"
	"strconv"

	gomail "github.com/wneessen/go-mail"
	"github.com/wneessen/go-mail/smtp"
)

// Sender sends batches of messages over SMTP. It holds no connection between
// batches, so one Sender may be shared by concurrent activities.
type Sender struct {
	cfg    Config
	from   *netmail.Address
	domain string
}

// NewSender checks cfg and returns a Sender for it. Zero fields of cfg take
// the package defaults (DefaultHost, DefaultPort, ...). It does not connect.
func NewSender(cfg Config) (*Sender, error) {
	cfg = cfg.withDefaults()
	if err := cfg.validate(); err != nil {
		return nil, fmt.Errorf("mail: invalid config: %w", err)
	}
	from, err := netmail.ParseAddress(cfg.From)
	if err != nil {
		return nil, fmt.Errorf("mail: invalid config: Config.From %q: %w", cfg.From, err)
	}
	return &Sender{cfg: cfg, from: from, domain: DomainOf(cfg.From)}, nil
}

// From returns the sender address every message carries. Its domain is the
// domain of the Message-IDs (see DomainOf and MessageID).
func (s *Sender) From() string { return s.cfg.From }

// Addr returns the SMTP server's "host:port".
func (s *Sender) Addr() string {
	return net.JoinHostPort(s.cfg.Host, strconv.Itoa(s.cfg.Port))
}

// BatchError says which message of a batch failed. Messages before Index were
// accepted by the server and passed to the sent callback; Index and the ones
// after it were not sent, unless Accepted says the server took message Index
// and only the sent callback failed.
type BatchError struct {
	Index    int
	Key      string
	To       string
	Accepted bool
	Err      error
}

// Error names the message by key and recipient.
func (e *BatchError) Error() string {
	if e.Accepted {
		return fmt.Sprintf("mail: message %q to %s was accepted by the server, but recording it failed: %v", e.Key, e.To, e.Err)
	}
	return fmt.Sprintf("mail: message %q to %s: %v", e.Key, e.To, e.Err)
}

// Unwrap returns the underlying error, e.g. ErrInvalidMessage or a go-mail
// *SendError.
func (e *BatchError) Unwrap() error { return e.Err }

// SendBatch dials once, sends msgs in order on that one connection, and calls
// sent(msg) right after the server accepts each one (so callers can record it
// in an outbox before the next). It stops at the first failure and returns a
// *BatchError naming the recipient and key. Every message is checked before
// dialling; an invalid one fails the whole batch with ErrInvalidMessage and
// nothing is sent. Each message is built into MIME only when its turn comes,
// so a batch holds one built message at a time, not the whole batch twice.
// An empty batch does not dial. sent may be nil.
func (s *Sender) SendBatch(ctx context.Context, msgs []Message, sent func(Message) error) error {
	if len(msgs) == 0 {
		return nil
	}
	if err := check(msgs); err != nil {
		return err
	}

	// The dial function hands back the raw connection so that cancelling ctx
	// can interrupt a send in progress, not only the dial.
	var conn net.Conn
	client, err := gomail.NewClient(s.cfg.Host, s.clientOptions(func(ctx context.Context, network, _ string) (net.Conn, error) {
		// go-mail formats the address without brackets, which breaks IPv6
		// literals, so dial the address ourselves.
		var d net.Dialer
		c, err := d.DialContext(ctx, network, s.Addr())
		conn = c
		return c, err
	})...)
	if err != nil {
		return fmt.Errorf("mail: smtp client for %s: %w", s.Addr(), err)
	}
	sc, err := client.DialToSMTPClientWithContext(ctx)
	if err != nil {
		if conn != nil {
			conn.Close()
		}
		return batchError(msgs, 0, false, fmt.Errorf("connect to %s: %w", s.Addr(), err))
	}
	stop := context.AfterFunc(ctx, func() { conn.Close() })
	defer stop()

	for i, m := range msgs {
		if err := ctx.Err(); err != nil {
			abort(client, sc, conn)
			return batchError(msgs, i, false, err)
		}
		built, err := m.build(s.from, s.domain)
		if err != nil {
			// check accepted it, so this is a defect in build, not the caller's
			// message; nothing of it reached the server.
			abort(client, sc, conn)
			return batchError(msgs, i, false, fmt.Errorf("%w: %w", ErrInvalidMessage, err))
		}
		if err := client.SendWithSMTPClient(sc, built); err != nil {
			if ctx.Err() != nil {
				err = fmt.Errorf("%w (%v)", ctx.Err(), err)
			}
			abort(client, sc, conn)
			return batchError(msgs, i, false, err)
		}
		if sent != nil {
			if err := sent(m); err != nil {
				abort(client, sc, conn)
				return batchError(msgs, i, true, err)
			}
		}
	}
	// Every message is accepted and recorded by now; a failed QUIT cannot
	// undo that, and reporting it would make the caller retry for nothing.
	_ = client.CloseWithSMTPClient(sc)
	conn.Close()
	return nil
}

// check validates every message, so that a bad message fails the batch
// before anything is sent.
func check(msgs []Message) error {
	seen := make(map[string]int, len(msgs))
	for i, m := range msgs {
		err := m.validate()
		// Two messages with one key would share a Message-ID and an outbox
		// row, so the second would never be recorded as its own email.
		if j, dup := seen[m.Key]; dup && err == nil {
			err = fmt.Errorf("key repeats message %d of the batch", j+1)
		}
		seen[m.Key] = i
		if err != nil {
			return batchError(msgs, i, false, fmt.Errorf("%w: %w", ErrInvalidMessage, err))
		}
	}
	return nil
}

func (s *Sender) clientOptions(dial gomail.DialContextFunc) []gomail.Option {
	policy := gomail.TLSOpportunistic
	switch s.cfg.TLS {
	case TLSMandatory:
		policy = gomail.TLSMandatory
	case TLSNone:
		policy = gomail.NoTLS
	}
	opts := []gomail.Option{
		gomail.WithPort(s.cfg.Port),
		gomail.WithTimeout(s.cfg.Timeout),
		gomail.WithTLSPolicy(policy),
		gomail.WithDialContextFunc(dial),
	}
	if s.cfg.Username != "" {
		// Autodiscovery picks the strongest mechanism the server offers; go-mail
		// offers PLAIN and LOGIN only once the connection is encrypted, so
		// the password never crosses the network in the clear.
		opts = append(opts,
			gomail.WithSMTPAuth(gomail.SMTPAuthAutoDiscover),
			gomail.WithUsername(s.cfg.Username),
			gomail.WithPassword(s.cfg.Password))
	}
	return opts
}

// abort ends a failed session: QUIT if the connection still works, then close
// the socket in any case.
func abort(client *gomail.Client, sc *smtp.Client, conn net.Conn) {
	_ = client.CloseWithSMTPClient(sc)
	conn.Close()
}

// batchError blames message i of msgs.
func batchError(msgs []Message, i int, accepted bool, err error) error {
	return &BatchError{Index: i, Key: msgs[i].Key, To: msgs[i].To.Email, Accepted: accepted, Err: err}
}
