using PoolGuard.Cli;

RuntimeTuning.Apply();
var parse = PoolGuardCli.Build().Parse(args);
var code = await parse.InvokeAsync().ConfigureAwait(false);
// check, init and loadtest run in CI, where 1 means "findings" or "a threshold crossed": a mistyped option must not read as one.
return parse.Errors.Count > 0 && parse.CommandResult.Command.Name is "check" or "init" or "loadtest" ? ExitCodes.InvalidConfig : code;
