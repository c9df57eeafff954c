using System.Text;

namespace QtsOps.Core.Validation.Terraform;

/// <summary>An HCL syntax error at a line.</summary>
public sealed class HclSyntaxException(int line, string message) : Exception(message)
{
    public int Line { get; } = line;
}

public enum HclTokenKind { Identifier, Number, String, Punctuation, Newline }

/// <summary>
/// A token. A string (quoted or heredoc) carries the tokens of its <c>${...}</c> and <c>%{...}</c>
/// parts in <see cref="Inner"/>, and its value in <see cref="Literal"/> when it has none.
/// </summary>
public sealed record HclToken(HclTokenKind Kind, string Text, int Line, int Start, int End, string? Literal, IReadOnlyList<HclToken> Inner);

/// <summary>A reference such as <c>var.name</c> or <c>module.rg.id</c>, at its line.</summary>
public sealed record HclReference(IReadOnlyList<string> Parts, int Line)
{
    public string Root => Parts[0];
    public override string ToString() => string.Join('.', Parts);
}

/// <summary>The right-hand side of an attribute: its source text and what it refers to.</summary>
public sealed class HclExpression(string text, IReadOnlyList<HclToken> tokens)
{
    public string Text { get; } = text;
    public IReadOnlyList<HclToken> Tokens { get; } = tokens;

    /// <summary>The value of a string without interpolations; null for anything else.</summary>
    public string? StringLiteral => Tokens is [{ Kind: HclTokenKind.String, Literal: { } value }] ? value : null;

    public bool IsTrue => Tokens is [{ Kind: HclTokenKind.Identifier, Text: "true" }];
    public bool IsNull => Tokens is [{ Kind: HclTokenKind.Identifier, Text: "null" }];

    public IReadOnlyList<HclReference> References => Hcl.ReferencesIn(Tokens);
}

public sealed record HclAttribute(string Name, int Line, HclExpression Value);

public sealed record HclBlock(string Type, IReadOnlyList<string> Labels, int Line, HclBody Body)
{
    public string? Label(int index) => index < Labels.Count ? Labels[index] : null;
}

public sealed record HclBody(IReadOnlyList<HclAttribute> Attributes, IReadOnlyList<HclBlock> Blocks)
{
    public HclAttribute? Attribute(string name) => Attributes.FirstOrDefault(a => a.Name == name);
    public IEnumerable<HclBlock> BlocksOf(string type) => Blocks.Where(b => b.Type == type);

    /// <summary>Every attribute of this body and of the blocks nested in it.</summary>
    public IEnumerable<HclAttribute> AllAttributes() => Attributes.Concat(Blocks.SelectMany(b => b.Body.AllAttributes()));
}

/// <summary>
/// The subset of HCL (the Terraform configuration language) validation needs: blocks with labels,
/// attributes with their expressions kept as tokens, quoted and heredoc templates with
/// interpolations, and comments, each with its line.
/// </summary>
public static class Hcl
{
    private static readonly string[] TwoCharacterOperators = ["==", "!=", "<=", ">=", "&&", "||", "=>", "..."];

    public static HclBody Parse(string text)
    {
        var source = text.ReplaceLineEndings("\n");
        var position = 0;
        return ParseBody(Lex(source), ref position, source, opener: null);
    }

    /// <summary>The references in tokens, interpolations included: an identifier followed by <c>.name</c> parts.</summary>
    public static IReadOnlyList<HclReference> ReferencesIn(IReadOnlyList<HclToken> tokens)
    {
        var references = new List<HclReference>();
        for (var i = 0; i < tokens.Count; i++)
        {
            var token = tokens[i];
            if (token.Inner.Count > 0) references.AddRange(ReferencesIn(token.Inner));
            var isRoot = token.Kind == HclTokenKind.Identifier && (i == 0 || tokens[i - 1].Text != ".");
            if (!isRoot) continue;
            var parts = new List<string> { token.Text };
            for (var j = i + 1; j + 1 < tokens.Count && tokens[j].Text == "." && tokens[j + 1].Kind == HclTokenKind.Identifier; j += 2)
                parts.Add(tokens[j + 1].Text);
            if (parts.Count > 1) references.Add(new HclReference(parts, token.Line));
        }
        return references;
    }

    /// <param name="opener">The name of the block whose body this is; null for the file.</param>
    private static HclBody ParseBody(List<HclToken> tokens, ref int position, string source, HclToken? opener)
    {
        var attributes = new List<HclAttribute>();
        var blocks = new List<HclBlock>();
        while (true)
        {
            while (position < tokens.Count && tokens[position].Kind == HclTokenKind.Newline) position++;
            if (position == tokens.Count)
            {
                if (opener is not null) throw new HclSyntaxException(opener.Line, $"the block '{opener.Text}' is not closed: '}}' missing");
                break;
            }
            var first = tokens[position];
            if (first.Text == "}" && first.Kind == HclTokenKind.Punctuation)
            {
                if (opener is null) throw new HclSyntaxException(first.Line, "'}' without a block to close");
                position++;
                break;
            }
            if (first.Kind != HclTokenKind.Identifier)
                throw new HclSyntaxException(first.Line, $"expected an attribute or block name, found '{first.Text}'");
            position++;

            if (position < tokens.Count && tokens[position].Text == "=")
            {
                position++;
                attributes.Add(new HclAttribute(first.Text, first.Line, ParseExpression(tokens, ref position, source, first)));
                continue;
            }

            var labels = new List<string>();
            while (position < tokens.Count && tokens[position].Kind is HclTokenKind.String or HclTokenKind.Identifier)
            {
                var label = tokens[position++];
                labels.Add(label.Kind == HclTokenKind.String
                    ? label.Literal ?? throw new HclSyntaxException(label.Line, "a block label cannot hold an interpolation")
                    : label.Text);
            }
            if (position == tokens.Count || tokens[position].Text != "{")
                throw new HclSyntaxException(first.Line, $"'{first.Text}' is neither an attribute ('{first.Text} = ...') nor a block ('{first.Text} \"label\" {{ ... }}')");
            position++;
            blocks.Add(new HclBlock(first.Text, labels, first.Line, ParseBody(tokens, ref position, source, first)));
        }
        return new HclBody(attributes, blocks);
    }

    /// <summary>An expression runs to the end of the line, unless brackets keep it open.</summary>
    private static HclExpression ParseExpression(List<HclToken> tokens, ref int position, string source, HclToken name)
    {
        var start = position;
        var depth = 0;
        for (; position < tokens.Count; position++)
        {
            var token = tokens[position];
            if (token.Kind == HclTokenKind.Newline && depth == 0) break;
            if (token.Kind != HclTokenKind.Punctuation) continue;
            if (token.Text is "{" or "[" or "(") depth++;
            else if (token.Text is "}" or "]" or ")")
            {
                if (depth == 0) break; // the closing brace of a one-line block: { a = 1 }
                depth--;
            }
        }
        if (depth > 0) throw new HclSyntaxException(name.Line, $"the value of '{name.Text}' is not closed: a bracket is missing");
        var expression = tokens.GetRange(start, position - start).Where(t => t.Kind != HclTokenKind.Newline).ToList();
        if (expression.Count == 0) throw new HclSyntaxException(name.Line, $"'{name.Text} =' has no value");
        return new HclExpression(source[expression[0].Start..expression[^1].End], expression);
    }

    private static List<HclToken> Lex(string text)
    {
        var position = 0;
        var line = 1;
        // Outside an interpolation the lexer reads to the end: a stray '}' is punctuation, refused by the parser as "without a block".
        return LexTokens(text, ref position, ref line, insideInterpolation: false);
    }

    /// <summary>Lexes until the end, or (inside <c>${...}</c>) until the brace that closes it.</summary>
    private static List<HclToken> LexTokens(string text, ref int position, ref int line, bool insideInterpolation)
    {
        var tokens = new List<HclToken>();
        var depth = 0;
        while (position < text.Length)
        {
            var c = text[position];
            var start = position;
            if (c == '\n')
            {
                tokens.Add(new HclToken(HclTokenKind.Newline, "\n", line++, start, ++position, null, []));
            }
            else if (char.IsWhiteSpace(c))
            {
                position++;
            }
            else if (c == '#' || Next(text, position, "//"))
            {
                while (position < text.Length && text[position] != '\n') position++;
            }
            else if (Next(text, position, "/*"))
            {
                var end = text.IndexOf("*/", position + 2, StringComparison.Ordinal);
                if (end < 0) throw new HclSyntaxException(line, "a /* comment is not closed");
                line += text.AsSpan(position, end - position).Count('\n');
                position = end + 2;
            }
            else if (char.IsLetter(c) || c == '_')
            {
                while (position < text.Length && (char.IsLetterOrDigit(text[position]) || text[position] is '_' or '-')) position++;
                tokens.Add(new HclToken(HclTokenKind.Identifier, text[start..position], line, start, position, null, []));
            }
            else if (char.IsDigit(c))
            {
                while (position < text.Length && (char.IsLetterOrDigit(text[position]) || text[position] == '.' && position + 1 < text.Length && char.IsDigit(text[position + 1]))) position++;
                tokens.Add(new HclToken(HclTokenKind.Number, text[start..position], line, start, position, null, []));
            }
            else if (c == '"')
            {
                tokens.Add(LexQuoted(text, ref position, ref line));
            }
            else if (Next(text, position, "<<") && position + 2 < text.Length && (text[position + 2] == '-' || char.IsLetter(text[position + 2])))
            {
                tokens.Add(LexHeredoc(text, ref position, ref line));
            }
            else
            {
                if (c == '{') depth++;
                if (c == '}' && insideInterpolation && depth-- == 0) return tokens; // the caller consumes the '}'
                var at = position;
                var op = TwoCharacterOperators.FirstOrDefault(o => Next(text, at, o)) ?? c.ToString();
                position += op.Length;
                tokens.Add(new HclToken(HclTokenKind.Punctuation, op, line, start, position, null, []));
            }
        }
        if (insideInterpolation) throw new HclSyntaxException(line, "an interpolation '${' is not closed");
        return tokens;
    }

    private static HclToken LexQuoted(string text, ref int position, ref int line)
    {
        var (start, startLine) = (position++, line);
        var value = new StringBuilder();
        var inner = new List<HclToken>();
        while (true)
        {
            if (position >= text.Length || text[position] == '\n') throw new HclSyntaxException(startLine, "a string is not closed: '\"' missing");
            var c = text[position];
            if (c == '"') break;
            if (c == '\\' && position + 1 < text.Length)
            {
                value.Append(text[position + 1] switch { 'n' => '\n', 't' => '\t', 'r' => '\r', var other => other });
                position += 2;
            }
            else if (!TryLexTemplatePart(text, ref position, ref line, value, inner))
            {
                value.Append(c);
                position++;
            }
        }
        position++;
        return new HclToken(HclTokenKind.String, text[start..position], startLine, start, position, inner.Count == 0 ? value.ToString() : null, inner);
    }

    private static HclToken LexHeredoc(string text, ref int position, ref int line)
    {
        var (start, startLine) = (position, line);
        position += 2;
        if (text[position] == '-') position++;
        var markerStart = position;
        while (position < text.Length && (char.IsLetterOrDigit(text[position]) || text[position] == '_')) position++;
        var marker = text[markerStart..position];
        var lineEnd = text.IndexOf('\n', position);
        if (lineEnd < 0) throw new HclSyntaxException(startLine, $"heredoc <<{marker} has no body");
        position = lineEnd + 1;
        line++;
        var value = new StringBuilder();
        var inner = new List<HclToken>();
        while (true)
        {
            if (position >= text.Length) throw new HclSyntaxException(startLine, $"heredoc <<{marker} is not closed: no line '{marker}'");
            var end = text.IndexOf('\n', position) is var n and >= 0 ? n : text.Length;
            if (text[position..end].Trim() == marker)
            {
                position = end;
                break;
            }
            while (position <= end && position < text.Length)
            {
                if (TryLexTemplatePart(text, ref position, ref line, value, inner)) continue;
                if (text[position] == '\n') line++;
                value.Append(text[position++]);
            }
        }
        return new HclToken(HclTokenKind.String, text[start..position], startLine, start, position, inner.Count == 0 ? value.ToString() : null, inner);
    }

    /// <summary>At <c>${</c> or <c>%{</c>, lexes the interpolation into <paramref name="inner"/>; <c>$${</c> and <c>%%{</c> are literal.</summary>
    private static bool TryLexTemplatePart(string text, ref int position, ref int line, StringBuilder value, List<HclToken> inner)
    {
        if (Next(text, position, "$${") || Next(text, position, "%%{"))
        {
            value.Append(text[position]).Append('{');
            position += 3;
            return true;
        }
        if (!Next(text, position, "${") && !Next(text, position, "%{")) return false;
        position += 2;
        inner.AddRange(LexTokens(text, ref position, ref line, insideInterpolation: true));
        position++; // the closing '}'
        return true;
    }

    private static bool Next(string text, int position, string expected) =>
        string.CompareOrdinal(text, position, expected, 0, expected.Length) == 0;
}
