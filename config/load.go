package config

import (
	"errors"
	"fmt"
	"os"
	"reflect"
	"slices"
	"strings"

	"github.com/caarlos0/env/v11"
)

// Error lists every problem found in the configuration, so an operator fixes them all at
// once rather than one start-up at a time.
type Error struct {
	Problems []string
}

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString("civivote is not configured correctly:\n")
	for _, p := range e.Problems {
		fmt.Fprintf(&b, "  - %s\n", p)
	}
	b.WriteString("Run `civivote serve --help` to see every variable with its default.")
	return b.String()
}

// Load reads the configuration through getenv (os.Getenv in production, a map in tests).
// Secrets may come from a file named by the variable with _FILE appended. It returns an
// *Error naming every missing or malformed variable.
func Load(getenv func(string) string) (*Config, error) {
	return load(getenv, func(string) bool { return true })
}

// databaseOnly are the variables of commands that touch nothing but the database
// (`civivote migrate`), so they run without CiviCRM settings.
var databaseOnly = map[string]bool{
	Prefix + "MYSQL_DSN": true, Prefix + "DB_MAX_OPEN_CONNS": true, Prefix + "DB_STARTUP_WAIT": true,
	Prefix + "LOG_FORMAT": true, Prefix + "LOG_LEVEL": true,
}

// LoadDatabase is Load for commands that need only the database and logging variables; the
// other fields of the returned Config may be empty.
func LoadDatabase(getenv func(string) string) (*Config, error) {
	return load(getenv, func(name string) bool { return databaseOnly[name] })
}

// LoadDatabaseWith is LoadDatabase that also reads and checks the named variables (with
// their prefix, e.g. "CIVIVOTE_RESULTS_SIGNING_KEY" for `civivote publish`), secrets from
// their _FILE too.
func LoadDatabaseWith(names ...string) func(getenv func(string) string) (*Config, error) {
	return func(getenv func(string) string) (*Config, error) {
		return load(getenv, func(name string) bool { return databaseOnly[name] || slices.Contains(names, name) })
	}
}

func load(getenv func(string) string, wanted func(name string) bool) (*Config, error) {
	vars := Variables()
	var problems []string
	environment := make(map[string]string)
	for _, v := range vars {
		val := getenv(v.Name)
		if v.Secret && wanted(v.Name) {
			if file := getenv(v.Name + "_FILE"); file != "" {
				if val != "" {
					problems = append(problems, fmt.Sprintf("%s and %s_FILE are both set: set only one of them", v.Name, v.Name))
					continue
				}
				b, err := os.ReadFile(file)
				if err != nil {
					problems = append(problems, fmt.Sprintf("%s_FILE: cannot read %s: %v", v.Name, file, errors.Unwrap(err)))
					continue
				}
				val = strings.TrimRight(string(b), "\r\n")
				if val == "" {
					problems = append(problems, fmt.Sprintf("%s_FILE: %s is empty", v.Name, file))
					continue
				}
			}
		}
		if val != "" {
			environment[v.Name] = val
		}
	}

	var cfg Config
	err := env.ParseWithOptions(&cfg, env.Options{Environment: environment, Prefix: Prefix})
	bad := make(map[string]bool)
	for _, p := range parseProblems(err, vars, environment) {
		bad[p.name] = true
		if wanted(p.name) {
			problems = append(problems, p.message)
		}
	}
	for _, p := range cfg.validate() {
		if !bad[p.name] && wanted(p.name) {
			problems = append(problems, p.message)
		}
	}
	if len(problems) > 0 {
		return nil, &Error{Problems: problems}
	}
	return &cfg, nil
}

type problem struct {
	name    string // the variable, with Prefix
	message string
}

// parseProblems turns the env library's errors into messages that name the variable.
func parseProblems(err error, vars []Variable, environment map[string]string) []problem {
	if err == nil {
		return nil
	}
	var agg env.AggregateError
	if !errors.As(err, &agg) {
		return []problem{{message: err.Error()}}
	}
	byField := make(map[string]Variable)
	for _, v := range vars {
		byField[v.field] = v
	}
	var out []problem
	for _, e := range agg.Errors {
		var (
			notSet env.VarIsNotSetError
			empty  env.EmptyVarError
			parse  env.ParseError
		)
		switch {
		case errors.As(e, &notSet):
			out = append(out, problem{notSet.Key, fmt.Sprintf("%s is required but not set: %s", notSet.Key, byName(vars, notSet.Key).Help)})
		case errors.As(e, &empty):
			out = append(out, problem{empty.Key, fmt.Sprintf("%s is required but empty: %s", empty.Key, byName(vars, empty.Key).Help)})
		case errors.As(e, &parse):
			v := byField[parse.Name]
			out = append(out, problem{v.Name, fmt.Sprintf("%s must be %s, got %q", v.Name, kindOf(v.typ), redactIf(v, environment[v.Name]))})
		default:
			out = append(out, problem{message: e.Error()})
		}
	}
	return out
}

func byName(vars []Variable, name string) Variable {
	for _, v := range vars {
		if v.Name == name {
			return v
		}
	}
	return Variable{Name: name}
}

func kindOf(t reflect.Type) string {
	switch t.String() {
	case "time.Duration":
		return "a duration such as 30s, 5m or 1h"
	case "int", "int64":
		return "a whole number"
	case "bool":
		return "true or false"
	case "config.Rate":
		return "N/DURATION, e.g. 20/10m (20, then one more every 30s)"
	}
	return "a valid " + t.String()
}

func redactIf(v Variable, raw string) string {
	if v.Secret {
		return "(secret, not shown)"
	}
	return raw
}
