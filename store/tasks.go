package store

import (
	"context"
	"fmt"
	"time"

	"github.com/uptrace/bun"

	"semesterflow/contract"
)

// HelpTask is help one department asked of the Organization Department.
type HelpTask struct {
	bun.BaseModel `bun:"table:help_tasks,alias:ht"`

	TermID       string     `bun:"term_id,pk"`
	TaskID       string     `bun:"task_id,pk"`
	DepartmentID string     `bun:"department_id"`
	Requester    string     `bun:"requester"`
	Description  string     `bun:"description"`
	DueAt        time.Time  `bun:"due_at"`
	RequestedAt  time.Time  `bun:"requested_at"`
	Assignee     string     `bun:"assignee"`
	AssignedBy   string     `bun:"assigned_by"`
	AssignedAt   *time.Time `bun:"assigned_at"`
	Status       string     `bun:"status"`
	CompletedAt  *time.Time `bun:"completed_at"`
}

// TaskOutcome is how an assigned task ended.
type TaskOutcome struct {
	TaskID string
	// Status is TaskDone, TaskLate or TaskMissed.
	Status string
	// CompletedAt is when it was handed in; nil when missed.
	CompletedAt *time.Time
}

// RequestHelp stores a new request with its audit entry in one
// transaction. A request already stored under its task ID is kept as it
// is: a retry changes nothing.
func (s *Store) RequestHelp(ctx context.Context, t HelpTask, audit AuditEntry) error {
	if t.TermID == "" || t.TaskID == "" || t.DepartmentID == "" || t.Requester == "" || t.Description == "" || t.DueAt.IsZero() || t.RequestedAt.IsZero() {
		return invalidf("help task %q lacks a term, department, requester, description or time", t.TaskID)
	}
	if err := checkAudit(audit); err != nil {
		return err
	}
	t.Status, t.Assignee, t.AssignedBy, t.AssignedAt, t.CompletedAt = contract.TaskRequested, "", "", nil, nil
	return s.db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		if _, err := tx.NewInsert().Model(&t).On("CONFLICT (term_id, task_id) DO NOTHING").Exec(ctx); err != nil {
			return fmt.Errorf("store: request help %s: %w", t.TaskID, err)
		}
		if _, err := insertAudit(ctx, tx, audit); err != nil {
			return fmt.Errorf("store: request help %s: %w", t.TaskID, err)
		}
		return nil
	})
}

// AssignHelpTask records who does a requested task, with its audit entry,
// in one transaction. Assigning it again to the same officer changes
// nothing; a task that is unknown, or assigned to someone else, is
// rejected.
func (s *Store) AssignHelpTask(ctx context.Context, termID, taskID, assignee, by string, at time.Time, audit AuditEntry) error {
	if termID == "" || taskID == "" || assignee == "" || by == "" || at.IsZero() {
		return invalidf("assignment of help task %q lacks a term, assignee, assigner or time", taskID)
	}
	if err := checkAudit(audit); err != nil {
		return err
	}
	return s.db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		if _, err := tx.NewUpdate().Model((*HelpTask)(nil)).
			Set("assignee = ?, assigned_by = ?, assigned_at = ?, status = ?", assignee, by, at, contract.TaskAssigned).
			Where("term_id = ? AND task_id = ? AND status = ?", termID, taskID, contract.TaskRequested).
			Exec(ctx); err != nil {
			return fmt.Errorf("store: assign help task %s: %w", taskID, err)
		}
		var current string
		err := tx.NewSelect().Model((*HelpTask)(nil)).Column("assignee").
			Where("term_id = ? AND task_id = ?", termID, taskID).Scan(ctx, &current)
		if err != nil {
			return fmt.Errorf("store: assign help task %s: %w", taskID, err)
		}
		if current != assignee {
			return invalidf("help task %s is assigned to %q, not %q", taskID, current, assignee)
		}
		if _, err := insertAudit(ctx, tx, audit); err != nil {
			return fmt.Errorf("store: assign help task %s: %w", taskID, err)
		}
		return nil
	})
}

// CompleteHelpTasks records how assigned tasks ended, in one transaction.
// Only tasks still assigned change, so a retry changes nothing.
func (s *Store) CompleteHelpTasks(ctx context.Context, termID string, outcomes []TaskOutcome) error {
	for _, o := range outcomes {
		switch {
		case o.TaskID == "":
			return invalidf("a help task outcome has no task ID")
		case o.Status != contract.TaskDone && o.Status != contract.TaskLate && o.Status != contract.TaskMissed:
			return invalidf("help task %s cannot end as %q", o.TaskID, o.Status)
		case (o.Status == contract.TaskMissed) != (o.CompletedAt == nil):
			return invalidf("help task %s: a completion time goes with done or late, never with missed", o.TaskID)
		}
	}
	if len(outcomes) == 0 {
		return nil
	}
	return s.db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		for _, o := range outcomes {
			if _, err := tx.NewUpdate().Model((*HelpTask)(nil)).
				Set("status = ?, completed_at = ?", o.Status, o.CompletedAt).
				Where("term_id = ? AND task_id = ? AND status = ?", termID, o.TaskID, contract.TaskAssigned).
				Exec(ctx); err != nil {
				return fmt.Errorf("store: complete help task %s: %w", o.TaskID, err)
			}
		}
		return nil
	})
}

// HelpTasks lists the term's help tasks in the order they were requested.
func (s *Store) HelpTasks(ctx context.Context, termID string) ([]HelpTask, error) {
	var out []HelpTask
	if err := s.db.NewSelect().Model(&out).
		Where("term_id = ?", termID).
		OrderExpr("requested_at, length(task_id), task_id").
		Scan(ctx); err != nil {
		return nil, fmt.Errorf("store: help tasks of %s: %w", termID, err)
	}
	return out, nil
}
