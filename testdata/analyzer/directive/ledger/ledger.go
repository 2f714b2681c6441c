// Package ledger keeps the books of the billing isolate; its ignores are
// judged against the findings of every rule.
package ledger

import "time"

// Entry is one booking.
//
//isolate:message
//isolate:ignore copied by the ledger's snapshot code in a later build step
type Entry struct {
	At     time.Time
	Amount int64
	Labels []string
}

// Account has a hand-written deep copy: nothing to silence here.
//
//isolate:message
//isolate:ignore left over from before the copy was written // want `//isolate:ignore silences nothing on line 21: remove it, or move it to the line of the finding`
type Account struct {
	Owner   string
	Entries []Entry
}

// DeepCopyInto copies a into out.
func (a *Account) DeepCopyInto(out *Account) {
	*out = *a
	out.Entries = append([]Entry(nil), a.Entries...)
	for i := range out.Entries {
		out.Entries[i].Labels = append([]string(nil), a.Entries[i].Labels...)
	}
}

// Balance sums an account's entries.
func Balance(a Account) int64 {
	var sum int64 //isolate:ignore the sum cannot overflow // want `//isolate:ignore silences nothing on line 37`
	for _, e := range a.Entries {
		sum += e.Amount
	}
	// want +1 `//isolate:ignore needs a reason: write //isolate:ignore <why this is safe>`
	//isolate:ignore
	return sum
}
