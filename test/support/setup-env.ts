// Service logs are JSON lines; in tests only warnings and errors are worth reading.
process.env.LOG_LEVEL ??= 'warn';
