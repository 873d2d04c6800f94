package kyc

import "context"

// SweepOverdueCases flags review cases past their SLA due time and emits case.overdue for each,
// once. It returns how many it flagged.
func (s *Service) SweepOverdueCases(ctx context.Context) (int, error) {
	cases, err := s.store.ListCases(ctx, CaseFilter{Statuses: []CaseStatus{CaseOpen, CaseClaimed, CaseAwaitingSecond}, Limit: 1000})
	if err != nil {
		return 0, err
	}
	now := s.now()
	n := 0
	for _, c := range cases {
		if c.Overdue || now.Before(c.DueAt) {
			continue
		}
		err := s.store.Update(ctx, func(tx Tx) error {
			fresh, err := tx.GetCase(ctx, c.ID)
			if err != nil || fresh.Overdue || fresh.Status == CaseClosed {
				return err
			}
			fresh.Overdue = true
			if err := tx.UpdateCase(ctx, fresh); err != nil {
				return err
			}
			a, err := tx.GetApplicant(ctx, fresh.ApplicantID)
			if err != nil {
				return err
			}
			n++
			if err := s.emit(ctx, tx, a, EventCaseOverdue, map[string]any{"case_id": fresh.ID, "due_at": fresh.DueAt}); err != nil {
				return err
			}
			return s.audit(ctx, tx, Actor{Type: ActorSystem}, "case.overdue", fresh.ApplicantID, fresh.ID, nil)
		})
		if err != nil {
			return n, err
		}
	}
	return n, nil
}

// SweepExpiredDocuments re-opens the identity step of approved applicants whose document has
// expired (re-KYC). It returns how many applicants it moved.
func (s *Service) SweepExpiredDocuments(ctx context.Context) (int, error) {
	today := s.now().Format("2006-01-02")
	attempts, err := s.store.ListExpiringDocuments(ctx, today)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, at := range attempts {
		err := s.store.Update(ctx, func(tx Tx) error {
			a, err := tx.GetApplicant(ctx, at.ApplicantID)
			if err != nil {
				return err
			}
			fresh, err := tx.GetAttempt(ctx, at.ID)
			if err != nil || fresh.Status != AttemptPassed {
				return err
			}
			n++
			return s.reopen(ctx, tx, a, []Step{StepIdentity}, DocExpired)
		})
		if err != nil {
			return n, err
		}
	}
	return n, nil
}
