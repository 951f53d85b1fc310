using System.Buffers;
using System.Buffers.Binary;
using System.Text;
using PoolGuard.Gateway.Transactions;

namespace PoolGuard.Tests.Gateway.Transactions;

public sealed class LocalStatementMessagesTests
{
    private static byte[] Message(char type, params byte[][] parts)
    {
        var body = parts.SelectMany(p => p).ToArray();
        var message = new byte[5 + body.Length];
        message[0] = (byte)type;
        BinaryPrimitives.WriteInt32BigEndian(message.AsSpan(1), body.Length + 4);
        body.CopyTo(message, 5);
        return message;
    }

    private static byte[] Z(string text) => Encoding.UTF8.GetBytes(text + "\0");

    private static byte[] Parse(string name, string sql) => Message('P', Z(name), Z(sql), [0, 0]);

    private static ReadOnlySequence<byte> Of(params byte[][] messages) => new(messages.SelectMany(m => m).ToArray());

    [Fact]
    public void A_prepare_between_transactions_is_answered_without_a_server()
    {
        var statements = new ClientStatements(new PoolGuard.Gateway.Pooling.StatementUsers());
        Assert.True(LocalStatementMessages.TryAnswer(Of(Parse("s1", "select 1"), Message('S')), statements, out var reply));

        Assert.Equal("1\0\0\0\u0004Z\0\0\0\u0005I", Encoding.ASCII.GetString(reply.Span));
        Assert.True(statements.TryGet("s1"u8, out var statement));
        Assert.StartsWith("poolguard_", statement.ServerName, StringComparison.Ordinal);
    }

    [Fact]
    public void The_same_query_gets_the_same_server_name_whatever_the_client_called_it()
    {
        var statements = new ClientStatements(new PoolGuard.Gateway.Pooling.StatementUsers());
        LocalStatementMessages.TryAnswer(Of(Parse("a", "select $1"), Parse("b", "select $1"), Parse("c", "select $2"), Message('S')), statements, out _);
        statements.TryGet("a"u8, out var a);
        statements.TryGet("b"u8, out var b);
        statements.TryGet("c"u8, out var c);
        Assert.Equal(a.ServerName, b.ServerName);
        Assert.NotEqual(a.ServerName, c.ServerName);
    }

    [Theory]
    [InlineData("bind")]
    [InlineData("unnamed")]
    [InlineData("no-sync")]
    [InlineData("already-prepared")]
    [InlineData("half")]
    public void Anything_else_needs_a_server(string what)
    {
        var statements = new ClientStatements(new PoolGuard.Gateway.Pooling.StatementUsers());
        LocalStatementMessages.TryAnswer(Of(Parse("taken", "select 1"), Message('S')), statements, out _);
        var parse = Parse("s1", "select 1");
        var buffer = what switch
        {
            "bind" => Of(parse, Message('B', Z(""), Z("s1"), [0, 0, 0, 0, 0, 0]), Message('S')),
            "unnamed" => Of(Parse("", "select 1"), Message('S')),
            "no-sync" => Of(parse),
            "already-prepared" => Of(Parse("taken", "select 2"), Message('S')),
            _ => Of(parse[..^3]),
        };
        Assert.False(LocalStatementMessages.TryAnswer(buffer, statements, out _));
    }

    [Fact]
    public void A_close_of_a_statement_forgets_the_name_and_answers_close_complete()
    {
        var statements = new ClientStatements(new PoolGuard.Gateway.Pooling.StatementUsers());
        LocalStatementMessages.TryAnswer(Of(Parse("s1", "select 1"), Message('S')), statements, out _);
        Assert.True(LocalStatementMessages.TryAnswer(Of(Message('C', [(byte)'S'], Z("s1")), Message('S')), statements, out var reply));
        Assert.Equal("3\0\0\0\u0004Z\0\0\0\u0005I", Encoding.ASCII.GetString(reply.Span));
        Assert.False(statements.TryGet("s1"u8, out _));
    }
}
