package sqlite

import (
	"context"

	"zombiezen.com/go/sqlite"
)

// interrupter interrupts the statements on one connection
// (sqlite3_interrupt) once the context of the transaction on it is done.
//
// zombiezen's Conn.SetInterrupt starts a goroutine on every call and ends
// it with a round trip on a channel, so setting and clearing it around
// each transaction cost two goroutine switches a read and two inside the
// writer's hold, where every write waits for them. An interrupter sets it
// once, with a channel of its own that nothing closes unless a context
// ends: a transaction only registers context.AfterFunc to close it. Only
// after a context did end is the connection armed anew, with a fresh
// channel, before its next statement.
//
// An interrupter belongs to its connection: one transaction at a time.
type interrupter struct {
	c    *sqlite.Conn
	done chan struct{} // the channel c is armed with; closed to interrupt
	fire func()        // closes done (made once an arming)
	stop func() bool   // the AfterFunc of the transaction under way
}

// newInterrupter arms c.
func newInterrupter(c *sqlite.Conn) *interrupter {
	i := &interrupter{c: c}
	i.arm()
	return i
}

// arm gives c a fresh channel to be interrupted by.
func (i *interrupter) arm() {
	done := make(chan struct{})
	i.done, i.fire = done, func() { close(done) }
	i.c.SetInterrupt(done)
}

// begin interrupts c's statements once ctx is done, until end. A ctx done
// already is refused with its error: AfterFunc would close the channel in
// a goroutine of its own, maybe after the first statement ran.
func (i *interrupter) begin(ctx context.Context) error {
	if ctx.Done() == nil {
		return nil // never done: nothing to watch
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	i.stop = context.AfterFunc(ctx, i.fire)
	return nil
}

// end stops watching the context begin was given (it may be called again,
// or without begin). When that context did end, it waits until the
// channel is closed and arms c anew, so that the statements after (a
// ROLLBACK, the connection's next transaction) run.
func (i *interrupter) end() {
	if i.stop == nil {
		return
	}
	stopped := i.stop()
	i.stop = nil
	if !stopped {
		<-i.done // fire runs in a goroutine of its own
		i.arm()
	}
}
