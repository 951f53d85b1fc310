using PoolGuard.Config.Model;
using PoolGuard.Config.Values;

namespace PoolGuard.Config.Validation;

/// <summary>Checks of the [databases]/[users] entries and of authentication against the users' secrets.</summary>
internal sealed partial class ConfigValidator
{
    private void CheckDatabases()
    {
        if (_config.Databases.Count == 0)
        {
            Error("Databases", $"no databases are configured; add at least one to {Name("Databases")}, or clients have nowhere to go");
        }

        foreach (var database in _config.Databases.Values)
        {
            var prefix = $"Databases:{database.Name}:";
            var subject = $"database {database.Name}: ";
            if (string.IsNullOrWhiteSpace(database.Host))
            {
                Error(prefix + "Host", $"{subject}{Name(prefix + "Host")} must not be empty");
            }

            CheckPort(prefix + "Port", database.Port, subject);
            CheckNotNegative(prefix + "PoolSize", database.PoolSize, "", subject);
            CheckNotNegative(prefix + "MinPoolSize", database.MinPoolSize, "", subject);
            CheckNotNegative(prefix + "MaxDbConnections", database.MaxDbConnections, " (0 means no cap)", subject);
            CheckPoolFits(database, prefix, subject);
        }

        CheckDefaultPoolFits();
    }

    /// <summary>A pool larger than a cap above it can never fill; usually the cap or the pool size is a typo.
    /// Databases that take both the pool size and the cap from the global settings are covered once by
    /// <see cref="CheckDefaultPoolFits"/> rather than once per database.</summary>
    private void CheckPoolFits(DatabaseEntry database, string prefix, string subject)
    {
        var poolSize = database.PoolSize ?? _config.DefaultPoolSize;
        var poolName = database.PoolSize is null ? Name("DefaultPoolSize") : Name(prefix + "PoolSize");
        var minPoolSize = database.MinPoolSize ?? _config.MinPoolSize;
        if (database.PoolSize == 0)
        {
            Warn(prefix + "PoolSize", $"{subject}{poolName} is 0, so its clients wait until {Name("QueryWaitTimeout")} and then fail");
        }

        if (minPoolSize > poolSize && (database.MinPoolSize is not null || database.PoolSize is not null) && poolSize >= 0)
        {
            Error(prefix + "MinPoolSize", $"{subject}{Name(prefix + "MinPoolSize")} ({minPoolSize}) is larger than {poolName} ({poolSize}); lower it or raise the pool size");
        }

        var dbCap = database.MaxDbConnections ?? _config.MaxDbConnections;
        if (dbCap > 0 && poolSize > dbCap && (database.PoolSize is not null || database.MaxDbConnections is not null))
        {
            Warn(prefix + "PoolSize", $"{subject}{poolName} ({poolSize}) exceeds {Name(prefix + "MaxDbConnections")} ({dbCap}); the pool can never fill");
        }

        if (_config.MaxServerConnections > 0 && poolSize > _config.MaxServerConnections && database.PoolSize is not null)
        {
            Warn(prefix + "PoolSize", $"{subject}{poolName} ({poolSize}) exceeds {Name("MaxServerConnections")} ({_config.MaxServerConnections}); the pool can never fill");
        }
    }

    private void CheckDefaultPoolFits()
    {
        var poolSize = _config.DefaultPoolSize;
        var databases = _config.Databases.Values;
        if (_config.MaxDbConnections > 0 && poolSize > _config.MaxDbConnections
            && databases.Any(d => d.PoolSize is null && d.MaxDbConnections is null))
        {
            Warn("MaxDbConnections", $"{Name("DefaultPoolSize")} ({poolSize}) exceeds {Name("MaxDbConnections")} ({_config.MaxDbConnections}); pools of that size can never fill");
        }

        if (_config.MaxServerConnections > 0 && poolSize > _config.MaxServerConnections && databases.Any(d => d.PoolSize is null))
        {
            Warn("MaxServerConnections", $"{Name("DefaultPoolSize")} ({poolSize}) exceeds {Name("MaxServerConnections")} ({_config.MaxServerConnections}); pools of that size can never fill");
        }
    }

    private void CheckUsers()
    {
        foreach (var user in _config.Users.Values)
        {
            var path = $"Users:{user.Name}:MaxUserConnections";
            CheckNotNegative(path, user.MaxUserConnections, " (0 means no cap)", $"user {user.Name}: ");
        }
    }

    private void CheckAuthentication()
    {
        if (_config.AuthType == AuthType.Trust)
        {
            return; // no password is asked, so secrets do not matter
        }

        var auth = $"{Name("AuthType")} {SettingNames.Text(_config.AuthType)}";
        if (!_config.Users.Values.Any(user => user.Secret is not null))
        {
            if (_diagnostics.Reviewing)
            {
                return; // the passwords come with the deployment
            }

            Error("AuthFile", $"{auth} needs users with passwords, and none has one; add them in {Name("PasswordSources")}, or use trust on a trusted loopback only");
            return;
        }

        foreach (var user in _config.Users.Values)
        {
            if (user.Secret is null)
            {
                Warn($"Users:{user.Name}", $"user {user.Name} has no password, so cannot log in with {auth}");
                continue;
            }

            // Never the secret itself in the message: only what kind it is.
            var kind = SecretFormat.Classify(user.Secret);
            if (_config.AuthType == AuthType.Md5 && kind == SecretKind.Scram)
            {
                Error($"Users:{user.Name}:Password", $"{auth} needs a plaintext or md5 secret; user {user.Name} has {SecretFormat.Describe(kind)}");
            }
            else if (_config.AuthType == AuthType.ScramSha256 && kind == SecretKind.Md5)
            {
                Error($"Users:{user.Name}:Password", $"{auth} needs a plaintext or SCRAM secret; user {user.Name} has {SecretFormat.Describe(kind)}");
            }
        }
    }
}
