package events

import (
	"bufio"
	"errors"
	"io"
	"strings"
)

// Message is one dispatched message of a text/event-stream, as a client
// sees it: Event is "" for an outbox event ("message" to EventSource),
// "presence", "reset" or "end"; ID is the last event id (seq) at the
// time, which an "id:"-only block moves without a message.
type Message struct {
	ID    string
	Event string
	Data  string
}

// ErrStop ends Read with no error when Read's function returns it.
var ErrStop = errors.New("events: stop reading")

// Read parses the text/event-stream r as EventSource does and calls fn for
// each message, until r ends, fn returns an error (ErrStop: Read returns
// nil) or a line is longer than 1 MiB. Comments are skipped; a block with
// an id and no data only moves lastID, reported to moved when it is not
// nil.
func Read(r io.Reader, fn func(Message) error, moved func(id string)) error {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	var (
		lastID, event string
		data          []string
		hasData       bool
	)
	for sc.Scan() {
		line := sc.Text()
		if line == "" {
			if hasData {
				err := fn(Message{ID: lastID, Event: event, Data: strings.Join(data, "\n")})
				if errors.Is(err, ErrStop) {
					return nil
				} else if err != nil {
					return err
				}
			} else if moved != nil {
				moved(lastID)
			}
			event, data, hasData = "", nil, false
			continue
		}
		if strings.HasPrefix(line, ":") {
			continue
		}
		field, value, _ := strings.Cut(line, ":")
		value = strings.TrimPrefix(value, " ")
		switch field {
		case "id":
			if !strings.Contains(value, "\x00") {
				lastID = value
			}
		case "event":
			event = value
		case "data":
			data = append(data, value)
			hasData = true
		}
	}
	return sc.Err()
}
