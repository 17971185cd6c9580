package plan

import (
	"encoding/json"
	"fmt"
	"time"
)

// Zone is the term's time zone, carried with the times that cross JSON.
// A time.Time crossing JSON keeps only its offset, which is wrong on the
// far side of a daylight-saving change; a Zone keeps the IANA name and its
// rules. In JSON it is the name alone ("Asia/Shanghai"), so it reads the
// string the payloads of earlier releases carried.
type Zone struct {
	name string
	loc  *time.Location
}

// ZoneNamed loads the IANA zone name.
func ZoneNamed(name string) (Zone, error) {
	loc, err := time.LoadLocation(name)
	if err != nil {
		return Zone{name: name}, fmt.Errorf("%q is not a known time zone: %w", name, err)
	}
	return Zone{name: name, loc: loc}, nil
}

// Zone is the term's time zone. A plan that failed validation may name an
// unknown zone; its times are then written in UTC.
func (p *Plan) Zone() Zone {
	z, _ := ZoneNamed(p.Term.TimeZone)
	return z
}

// Name is the IANA name, or "UTC" for the zero Zone.
func (z Zone) Name() string {
	if z.name == "" {
		return "UTC"
	}
	return z.name
}

// Known says whether the zone loaded; an unknown name (a plan that failed
// validation, a corrupted payload) falls back to UTC.
func (z Zone) Known() bool { return z.loc != nil }

// IsZero reports the zone carried by nothing, so `omitzero` leaves it out.
func (z Zone) IsZero() bool { return z.name == "" }

// Location is the zone's rules; UTC when the zone is unknown.
func (z Zone) Location() *time.Location {
	if z.loc == nil {
		return time.UTC
	}
	return z.loc
}

// Local is t on the zone's wall clock.
func (z Zone) Local(t time.Time) time.Time { return t.In(z.Location()) }

// Human writes an instant the way people read it, on the zone's wall clock:
// "Thu 17 Sep 2026, 23:59 (Asia/Shanghai)".
func (z Zone) Human(t time.Time) string {
	if z.loc == nil {
		return t.UTC().Format(humanLayout) + " (UTC)"
	}
	return t.In(z.loc).Format(humanLayout) + " (" + z.name + ")"
}

// Range writes "Tue 13 Oct 2026, 18:30 to 19:30 (zone)" for times on one
// local day, and both in full otherwise.
func (z Zone) Range(from, to time.Time) string {
	f, t := z.Local(from), z.Local(to)
	if f.Format(dateLayout) != t.Format(dateLayout) {
		return z.Human(from) + " to " + z.Human(to)
	}
	return f.Format(humanLayout) + " to " + t.Format(clockLayout) + " (" + z.Name() + ")"
}

const humanLayout = "Mon 2 Jan 2006, 15:04"

// MarshalJSON writes the IANA name.
func (z Zone) MarshalJSON() ([]byte, error) { return json.Marshal(z.name) }

// UnmarshalJSON reads an IANA name. An unknown name is kept and falls back
// to UTC rather than failing: a workflow's input must always decode, and
// the plan's validation has refused unknown zones before any term starts.
func (z *Zone) UnmarshalJSON(b []byte) error {
	var name string
	if err := json.Unmarshal(b, &name); err != nil {
		return fmt.Errorf("a time zone is an IANA name in a string: %w", err)
	}
	*z, _ = ZoneNamed(name)
	return nil
}

// MustZone is ZoneNamed for names known to be good, such as a test's.
func MustZone(name string) Zone {
	z, err := ZoneNamed(name)
	if err != nil {
		panic("plan: " + err.Error())
	}
	return z
}
