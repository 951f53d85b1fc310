using PoolGuard.Cli;

RuntimeTuning.Apply();
return await PoolGuardCli.Build().Parse(args).InvokeAsync().ConfigureAwait(false);
