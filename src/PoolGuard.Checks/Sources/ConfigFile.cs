namespace PoolGuard.Checks.Sources;

/// <summary>One file being read: where it is, how findings name it (as the user gave it), and the application it configures.</summary>
/// <param name="Application">The folder the file sits in: how appsettings, .env and gateway configurations are told apart,
/// and matched to a Deployment or an entry of .poolguard-check.yml of the same name.</param>
internal sealed record ConfigFile(string Path, string Shown, string Application);

/// <summary>One kind of file `poolguard check` understands. Each file counts whole or not at all: a reader that meets
/// something it cannot read reports PG000 at its place and adds nothing from that file.</summary>
internal interface IConfigReader
{
    bool Matches(string path);

    void Read(ConfigFile file, CheckInputs inputs);
}
