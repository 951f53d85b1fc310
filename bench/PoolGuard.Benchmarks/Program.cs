using BenchmarkDotNet.Running;

// Every benchmark class in this assembly; pick with --filter, e.g. --filter '*Relay*'.
// --job short for a quick look; the default job for numbers worth quoting.
BenchmarkSwitcher.FromAssembly(typeof(PoolGuard.Benchmarks.RelayBenchmarks).Assembly).Run(args);
