package main

import (
	"io"

	"github.com/civivote/civivote/config"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
)

// loadConfig reads the configuration with load (config.Load, or config.LoadDatabase for
// commands that need only the database) and builds the logger it asks for. Its errors
// exit with status 2.
func loadConfig(e env, load func(func(string) string) (*config.Config, error)) (*config.Config, *zap.Logger, error) {
	cfg, err := load(e.getenv)
	if err != nil {
		return nil, nil, configErr(err)
	}
	log, err := newLogger(cfg.LogFormat, cfg.LogLevel, e.stderr)
	if err != nil {
		return nil, nil, configErr(err)
	}
	return cfg, log, nil
}

// newLogger builds the process logger: JSON lines by default, or a console format for
// people. format and level were validated by config.
func newLogger(format, level string, w io.Writer) (*zap.Logger, error) {
	lvl, err := zapcore.ParseLevel(level)
	if err != nil {
		return nil, err
	}
	var enc zapcore.Encoder
	if format == "console" {
		ec := zap.NewDevelopmentEncoderConfig()
		ec.EncodeTime = zapcore.ISO8601TimeEncoder
		enc = zapcore.NewConsoleEncoder(ec)
	} else {
		ec := zap.NewProductionEncoderConfig()
		ec.EncodeTime = zapcore.ISO8601TimeEncoder
		ec.TimeKey = "time"
		enc = zapcore.NewJSONEncoder(ec)
	}
	core := zapcore.NewCore(enc, zapcore.Lock(zapcore.AddSync(w)), lvl)
	return zap.New(core), nil
}
