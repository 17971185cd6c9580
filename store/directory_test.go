package store

import (
	"context"
	"database/sql"
	"errors"
	"maps"
	"reflect"
	"slices"
	"testing"
	"time"
)

func TestSaveDirectoryTwiceChangesNothing(t *testing.T) {
	db, s := newTestStore(t)
	d := sampleDirectory(t, "2026-fall")

	saveDirectory(t, s, d)
	first := loadDirectory(t, s, "2026-fall")
	versions := map[string]map[string]string{
		"terms":       rowVersions(t, db, "terms", "id"),
		"leaders":     rowVersions(t, db, "leaders", "email"),
		"departments": rowVersions(t, db, "departments", "id"),
		"officers":    rowVersions(t, db, "officers", "email"),
	}

	saveDirectory(t, s, d)
	second := loadDirectory(t, s, "2026-fall")

	if !reflect.DeepEqual(second, first) {
		t.Errorf("directory after second save:\n got %+v\nwant %+v", second, first)
	}
	if !second.Term.UpdatedAt.Equal(first.Term.UpdatedAt) {
		t.Errorf("term updated_at = %v after an identical save, want unchanged %v", second.Term.UpdatedAt, first.Term.UpdatedAt)
	}
	keys := map[string]string{"terms": "id", "leaders": "email", "departments": "id", "officers": "email"}
	for table, before := range versions {
		if after := rowVersions(t, db, table, keys[table]); !maps.Equal(after, before) {
			t.Errorf("%s rows rewritten by an identical save: xmin before %v, after %v", table, before, after)
		}
	}
}

func TestSaveDirectoryRoundTrip(t *testing.T) {
	_, s := newTestStore(t)
	d := sampleDirectory(t, "2026-fall")
	saveDirectory(t, s, d)
	got := loadDirectory(t, s, "2026-fall")

	if want := time.Date(2026, 9, 1, 0, 0, 0, 0, time.UTC); !got.Term.StartsOn.Equal(want) {
		t.Errorf("StartsOn = %v, want %v (the calendar date as written)", got.Term.StartsOn, want)
	}
	if want := time.Date(2027, 1, 15, 0, 0, 0, 0, time.UTC); !got.Term.EndsOn.Equal(want) {
		t.Errorf("EndsOn = %v, want %v", got.Term.EndsOn, want)
	}
	if got.Term.Name != d.Term.Name || got.Term.TimeZone != d.Term.TimeZone || got.Term.WorkflowID != d.Term.WorkflowID {
		t.Errorf("term = %+v, want fields of %+v", got.Term, d.Term)
	}
	if got.Term.CreatedAt.IsZero() || got.Term.UpdatedAt.IsZero() {
		t.Errorf("term created_at %v, updated_at %v: want both stamped", got.Term.CreatedAt, got.Term.UpdatedAt)
	}

	for i := range d.Leaders {
		d.Leaders[i].TermID = d.Term.ID
	}
	for i := range d.Departments {
		d.Departments[i].TermID = d.Term.ID
	}
	for i := range d.Officers {
		d.Officers[i].TermID = d.Term.ID
	}
	if !reflect.DeepEqual(got.Leaders, d.Leaders) {
		t.Errorf("leaders:\n got %+v\nwant %+v", got.Leaders, d.Leaders)
	}
	if !reflect.DeepEqual(got.Departments, d.Departments) {
		t.Errorf("departments:\n got %+v\nwant %+v", got.Departments, d.Departments)
	}
	if !reflect.DeepEqual(got.Officers, d.Officers) {
		t.Errorf("officers:\n got %+v\nwant %+v", got.Officers, d.Officers)
	}
}

func TestSaveDirectoryReestablishes(t *testing.T) {
	tests := []struct {
		name            string
		edit            func(d *Directory)
		wantLeaders     []string
		wantDepartments []string
		wantOfficers    []string // email@department, in load order
	}{
		{
			name:            "officer removed",
			edit:            func(d *Directory) { d.Officers = slices.Delete(d.Officers, 1, 2) },
			wantLeaders:     []string{"chair@example.edu", "deputy@example.edu"},
			wantDepartments: []string{"org", "pub"},
			wantOfficers:    []string{"ann@example.edu@org", "cat@example.edu@pub"},
		},
		{
			name: "department removed with its officer",
			edit: func(d *Directory) {
				d.Departments = d.Departments[:1]
				d.Officers = d.Officers[:2]
			},
			wantLeaders:     []string{"chair@example.edu", "deputy@example.edu"},
			wantDepartments: []string{"org"},
			wantOfficers:    []string{"ann@example.edu@org", "bob@example.edu@org"},
		},
		{
			name: "department removed, its officer moved",
			edit: func(d *Directory) {
				d.Departments = d.Departments[:1]
				d.Officers[2].DepartmentID = "org"
				d.Officers[2].Position = 2
			},
			wantLeaders:     []string{"chair@example.edu", "deputy@example.edu"},
			wantDepartments: []string{"org"},
			wantOfficers:    []string{"ann@example.edu@org", "bob@example.edu@org", "cat@example.edu@org"},
		},
		{
			name:            "leader removed",
			edit:            func(d *Directory) { d.Leaders = d.Leaders[1:] },
			wantLeaders:     []string{"deputy@example.edu"},
			wantDepartments: []string{"org", "pub"},
			wantOfficers:    []string{"ann@example.edu@org", "bob@example.edu@org", "cat@example.edu@pub"},
		},
		{
			name: "everyone removed",
			edit: func(d *Directory) {
				d.Leaders, d.Departments, d.Officers = nil, nil, nil
			},
		},
		{
			name: "departments reordered",
			edit: func(d *Directory) {
				d.Departments[0].Position, d.Departments[1].Position = 1, 0
			},
			wantLeaders:     []string{"chair@example.edu", "deputy@example.edu"},
			wantDepartments: []string{"pub", "org"},
			wantOfficers:    []string{"cat@example.edu@pub", "ann@example.edu@org", "bob@example.edu@org"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, s := newTestStore(t)
			d := sampleDirectory(t, "2026-fall")
			saveDirectory(t, s, d)
			// Another term's directory must survive the edit untouched.
			other := sampleDirectory(t, "2027-spring")
			saveDirectory(t, s, other)

			d = sampleDirectory(t, "2026-fall")
			tt.edit(&d)
			saveDirectory(t, s, d)

			got := loadDirectory(t, s, "2026-fall")
			var leaders, departments, officers []string
			for _, l := range got.Leaders {
				leaders = append(leaders, l.Email)
			}
			for _, dep := range got.Departments {
				departments = append(departments, dep.ID)
			}
			for _, o := range got.Officers {
				officers = append(officers, o.Email+"@"+o.DepartmentID)
			}
			if !slices.Equal(leaders, tt.wantLeaders) {
				t.Errorf("leaders = %v, want %v", leaders, tt.wantLeaders)
			}
			if !slices.Equal(departments, tt.wantDepartments) {
				t.Errorf("departments = %v, want %v", departments, tt.wantDepartments)
			}
			if !slices.Equal(officers, tt.wantOfficers) {
				t.Errorf("officers = %v, want %v", officers, tt.wantOfficers)
			}

			kept := loadDirectory(t, s, "2027-spring")
			if len(kept.Leaders) != 2 || len(kept.Departments) != 2 || len(kept.Officers) != 3 {
				t.Errorf("other term now has %d leaders, %d departments, %d officers, want 2, 2, 3",
					len(kept.Leaders), len(kept.Departments), len(kept.Officers))
			}
		})
	}
}

func TestSaveDirectoryChangeBumpsUpdatedAt(t *testing.T) {
	_, s := newTestStore(t)
	d := sampleDirectory(t, "2026-fall")
	saveDirectory(t, s, d)
	before := loadDirectory(t, s, "2026-fall")

	d.Term.Name = "Fall 2026 (revised)"
	saveDirectory(t, s, d)
	after := loadDirectory(t, s, "2026-fall")

	if after.Term.Name != d.Term.Name {
		t.Errorf("term name = %q, want %q", after.Term.Name, d.Term.Name)
	}
	if !after.Term.UpdatedAt.After(before.Term.UpdatedAt) {
		t.Errorf("updated_at = %v after a change, want later than %v", after.Term.UpdatedAt, before.Term.UpdatedAt)
	}
	if !after.Term.CreatedAt.Equal(before.Term.CreatedAt) {
		t.Errorf("created_at = %v after a change, want unchanged %v", after.Term.CreatedAt, before.Term.CreatedAt)
	}
}

func TestSaveDirectoryRejects(t *testing.T) {
	tests := []struct {
		name string
		edit func(d *Directory)
	}{
		{"no term ID", func(d *Directory) { d.Term.ID = "" }},
		{"row of another term", func(d *Directory) { d.Officers[0].TermID = "other" }},
		{"repeated officer", func(d *Directory) { d.Officers[1].Email = d.Officers[0].Email }},
		{"repeated department", func(d *Directory) { d.Departments[1].ID = d.Departments[0].ID }},
		{"repeated leader", func(d *Directory) { d.Leaders[1].Email = d.Leaders[0].Email }},
		{"officer in unlisted department", func(d *Directory) { d.Officers[0].DepartmentID = "nope" }},
	}
	_, s := newTestStore(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := sampleDirectory(t, "2026-fall")
			tt.edit(&d)
			if err := s.SaveDirectory(context.Background(), d); !errors.Is(err, ErrInvalid) {
				t.Errorf("SaveDirectory error = %v, want an invalid-input error", err)
			}
		})
	}
	if _, err := s.LoadDirectory(context.Background(), "2026-fall"); !errors.Is(err, sql.ErrNoRows) {
		t.Errorf("after rejected saves, LoadDirectory error = %v, want sql.ErrNoRows (nothing written)", err)
	}
}

func TestLoadDirectoryUnknownTerm(t *testing.T) {
	_, s := newTestStore(t)
	saveDirectory(t, s, sampleDirectory(t, "2026-fall"))

	d, err := s.LoadDirectory(context.Background(), "1999-fall")
	if !errors.Is(err, sql.ErrNoRows) {
		t.Fatalf("LoadDirectory of an unknown term: error = %v, want one wrapping sql.ErrNoRows", err)
	}
	if !reflect.DeepEqual(d, Directory{}) {
		t.Errorf("LoadDirectory of an unknown term returned %+v, want the zero Directory", d)
	}
}
