package civicrm

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
)

// result is APIv4's success envelope, with the values decoded as T.
// Count is deliberately absent: on a short page it is offset + rows
// fetched, not a total (API.md), and nothing here needs it.
type result[T any] struct {
	Values []T
	// Matched is countMatched: the total when row_count was selected, the
	// number of updated records on save. -1 when absent.
	Matched int
	// Fetched is countFetched (len(Values) on every answer seen).
	Fetched int
}

type rawEnvelope[T any] struct {
	Values       *[]T   `json:"values"`
	Entity       string `json:"entity"`
	CountFetched *int   `json:"countFetched"`
	CountMatched *int   `json:"countMatched"`
}

// decodeEnvelope decodes an APIv4 success answer.
func decodeEnvelope[T any](body []byte, out *result[T]) error {
	var env rawEnvelope[T]
	if err := json.Unmarshal(body, &env); err != nil {
		return fmt.Errorf("decode answer: %w", err)
	}
	if env.Values == nil {
		return errors.New(`the answer has no "values": is this really CiviCRM's APIv4?`)
	}
	*out = result[T]{Values: *env.Values, Matched: -1, Fetched: len(*env.Values)}
	if env.CountMatched != nil {
		out.Matched = *env.CountMatched
	}
	if env.CountFetched != nil {
		out.Fetched = *env.CountFetched
	}
	if out.Fetched != len(out.Values) {
		return fmt.Errorf("the answer says countFetched %d but holds %d rows: it was cut or altered on the way",
			out.Fetched, len(out.Values))
	}
	return nil
}

// apiCall runs one APIv4 call and decodes its values as T.
func apiCall[T any](ctx context.Context, c *Client, entity, action string, params any) (result[T], error) {
	var res result[T]
	err := c.do(ctx, request{
		entity: entity, action: action, params: params,
		decode: func(body []byte) error { return decodeEnvelope(body, &res) },
	})
	return res, err
}

// apiBatch is apiCall for writes of n records at once.
func apiBatch[T any](ctx context.Context, c *Client, entity, action string, n int, params any) (result[T], error) {
	var res result[T]
	err := c.do(ctx, request{
		entity: entity, action: action, params: params, batch: n > 1,
		decode: func(body []byte) error { return decodeEnvelope(body, &res) },
	})
	return res, err
}
