#!/usr/bin/env python3
# check-i18n.py: every string a user reads is marked for translation
#
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Usage: check-i18n.py SRCDIR [XGETTEXT]
#        check-i18n.py --self-test          (the scanner on small sources)
#
# Checks, printing each violation as FILE:LINE: what, and exits 1 if any:
#  (a) xgettext extracts po/POTFILES, with strings of the CLI and the GUI;
#  (b) in src/, the text arguments of the calls that show or report text
#      (g_set_error, g_printerr, gtk_label_set_text, tooltips, dialogs, the
#      project's own error and warning functions...) are not bare literals
#      with letters in them: they are _("...") (or N_() where the text is
#      translated later, C_() with a context);
#  (c) every label, title, tooltip, placeholder and menu or string-list item
#      of ui/*.ui with letters in it is translatable="yes";
#  (d) po/POTFILES names exactly the files that mark strings, all existing.
# Log messages (g_warning, g_debug) are for developers and stay untranslated,
# as in GNOME; so do JSON keys, action names, HDF5 attribute names and
# anything else that is not one of the arguments below.
#
# The scanner is also a library: the wrapping tool uses scan_c() and
# scan_ui() to find what to wrap, so that what it wraps is what this checks.

import os
import re
import subprocess
import sys
import tempfile

# Calls whose arguments (0-based) are text a user reads. 'gettext' is the
# translated form _(); 'noop' is N_(), for text a library translates later.
CALLS = {
    'g_set_error': [(3, 'gettext')],
    'g_set_error_literal': [(3, 'gettext')],
    'g_prefix_error': [(1, 'gettext')],
    'g_prefix_error_literal': [(1, 'gettext')],
    'g_propagate_prefixed_error': [(2, 'gettext')],
    'g_error_new': [(2, 'gettext')],
    'g_error_new_literal': [(2, 'gettext')],
    'g_printerr': [(0, 'gettext')],
    'g_print': [(0, 'gettext')],
    'printf': [(0, 'gettext')],
    'puts': [(0, 'gettext')],
    'fprintf': [(1, 'gettext')],
    'fputs': [(0, 'gettext')],
    'g_set_application_name': [(0, 'gettext')],
    'gtk_file_chooser_add_choice': [(2, 'gettext'), (4, 'gettext')],
    'gtk_label_set_text': [(1, 'gettext')],
    'gtk_label_set_label': [(1, 'gettext')],
    'gtk_label_set_markup': [(1, 'gettext')],
    'gtk_label_new': [(0, 'gettext')],
    'gtk_label_new_with_mnemonic': [(0, 'gettext')],
    'gtk_widget_set_tooltip_text': [(1, 'gettext')],
    'gtk_widget_set_tooltip_markup': [(1, 'gettext')],
    'gtk_window_set_title': [(1, 'gettext')],
    'gtk_button_set_label': [(1, 'gettext')],
    'gtk_button_new_with_label': [(0, 'gettext')],
    'gtk_button_new_with_mnemonic': [(0, 'gettext')],
    'gtk_check_button_new_with_label': [(0, 'gettext')],
    'gtk_check_button_set_label': [(1, 'gettext')],
    'gtk_toggle_button_new_with_label': [(0, 'gettext')],
    'gtk_frame_new': [(0, 'gettext')],
    'gtk_expander_new': [(0, 'gettext')],
    'gtk_entry_set_placeholder_text': [(1, 'gettext')],
    'gtk_message_dialog_new': [(4, 'gettext')],
    'gtk_message_dialog_format_secondary_text': [(1, 'gettext')],
    'gtk_file_chooser_native_new': [(0, 'gettext'), (3, 'gettext'), (4, 'gettext')],
    'gtk_file_filter_set_name': [(1, 'gettext')],
    'gtk_string_list_append': [(1, 'gettext')],
    'g_menu_append': [(1, 'gettext')],
    'g_menu_prepend': [(1, 'gettext')],
    'g_menu_insert': [(2, 'gettext')],
    'g_menu_append_submenu': [(1, 'gettext')],
    'g_menu_append_section': [(1, 'gettext')],
    'g_menu_item_new': [(0, 'gettext')],
    'g_menu_item_new_submenu': [(0, 'gettext')],
    'g_menu_item_set_label': [(1, 'gettext')],
    'g_notification_new': [(0, 'gettext')],
    'g_notification_set_body': [(1, 'gettext')],
    'adw_toast_new': [(0, 'gettext')],
    'adw_toast_new_format': [(0, 'gettext')],
    # GOptionContext does not translate its parameter string and summary
    # unless given a domain of its own: translate them when set.
    'g_option_context_new': [(0, 'gettext')],
    'g_option_context_set_summary': [(1, 'gettext')],
    'g_option_context_set_description': [(1, 'gettext')],
}
# Text built piece by piece: in the viewer and the CLI it is shown (status
# line, hover, tooltips); the core builds JSON and spec strings with them.
CALLS_OUTSIDE_CORE = {
    'g_string_new': [(0, 'gettext')],
    'g_string_append': [(1, 'gettext')],
    'g_string_prepend': [(1, 'gettext')],
    'g_string_printf': [(1, 'gettext')],
    'g_string_append_printf': [(1, 'gettext')],
}
# gtk_show_about_dialog (parent, "key", value, ..., NULL): these keys' values.
ABOUT_KEYS = {'program-name', 'comments', 'title', 'translator-credits'}

# Already marked; their arguments are not looked into.
MARKERS = {'_', 'N_', 'C_', 'NC_', 'Q_', 'gettext', 'dgettext', 'ngettext', 'dngettext',
           'g_dgettext', 'g_dngettext', 'g_dpgettext', 'g_dpgettext2', 'g_dcgettext'}
# Text handed on unchanged: their first argument is looked into.
PASS_ON = {'g_strdup_printf': [0], 'g_strdup': [0]}

# A project function taking a parameter of one of these names (const char *)
# shows or reports it: its callers' literals must be marked. A G_GNUC_PRINTF
# format is such a parameter too.
TEXT_PARAMS = {'format', 'fmt', 'message', 'tooltip'}
# ...except these, whose "format" is not text: a header pattern of the view.
NOT_TEXT_FUNCS = {'attn_figure_format_header'}

# Macros xgettext reads inside a marked string; GLib's G_G*_FORMAT it cannot.
XGETTEXT_MACROS = re.compile(r'^PRI[diouxX](8|16|32|64|LEAST\d+|FAST\d+|MAX|PTR)$')
GLIB_FORMAT = re.compile(r'^G_G[A-Z0-9]*_(FORMAT|MODIFIER)$')
MACRO = re.compile(r'^[A-Z][A-Z0-9_]*$')

FORMAT_DIRECTIVE = re.compile(
    r"%(\d+\$)?[-+ #0']*(\*|\d+)?(\.(\*|\d+))?(hh|h|ll|l|L|q|j|z|Z|t)?[diouxXeEfFgGaAcspnm%]")

UI_PROPS = {'label', 'title', 'subtitle', 'tooltip-text', 'tooltip-markup', 'placeholder-text',
            'text', 'secondary-text', 'description'}

XGETTEXT_ARGS = ['--from-code=UTF-8', '--add-comments', '--keyword=_', '--keyword=N_',
                 '--keyword=C_:1c,2', '--keyword=NC_:1c,2', '--keyword=g_dngettext:2,3',
                 '--keyword=g_dpgettext2:2c,3', '--flag=N_:1:pass-c-format',
                 '--flag=C_:2:pass-c-format', '--flag=g_set_error:4:c-format',
                 '--flag=g_strdup_printf:1:c-format', '--flag=g_printerr:1:c-format']


class Tok:
    __slots__ = ('kind', 'text', 'start', 'end', 'line')

    def __init__(self, kind, text, start, end, line):
        self.kind, self.text, self.start, self.end, self.line = kind, text, start, end, line


TOKEN = re.compile(r'''
    (?P<ws>\s+)
  | (?P<comment>//[^\n]*|/\*.*?\*/)
  | (?P<str>(?:u8|[uUL])?"(?:[^"\\\n]|\\.)*")
  | (?P<chr>(?:[uUL])?'(?:[^'\\\n]|\\.)*')
  | (?P<id>[A-Za-z_]\w*)
  | (?P<num>\.?\d(?:[\w.]|[eEpP][-+])*)
  | (?P<punct>->|\+\+|--|<<=?|>>=?|[<>=!&|^+\-*/%]=|&&|\|\||\.\.\.|\#\#|.)
''', re.S | re.X)


def tokenize(text):
    """C tokens without comments; a preprocessor line is one 'pp' token."""
    toks, pos, line, at_line_start = [], 0, 1, True
    while pos < len(text):
        if at_line_start and re.match(r'[ \t]*#', text[pos:pos + 64]):
            m = re.compile(r'[ \t]*#(?:[^\n\\]|\\.|\\\n)*').match(text, pos)
            toks.append(Tok('pp', m.group(0), pos, m.end(), line))
            line += m.group(0).count('\n')
            pos = m.end()
            continue
        m = TOKEN.match(text, pos)
        kind = m.lastgroup
        if kind not in ('ws', 'comment'):
            toks.append(Tok(kind, m.group(0), pos, m.end(), line))
        nl = m.group(0).count('\n')
        line += nl
        if nl:
            at_line_start = True
        elif kind != 'ws':
            at_line_start = False
        pos = m.end()
    return toks


OPEN = {'(': ')', '[': ']', '{': '}'}


def match_close(toks, i):
    """Index of the bracket closing toks[i]."""
    depth = 0
    for j in range(i, len(toks)):
        t = toks[j]
        if t.kind != 'punct':
            continue
        if t.text in OPEN:
            depth += 1
        elif t.text in (')', ']', '}'):
            depth -= 1
            if depth == 0:
                return j
    return len(toks) - 1


def split_args(toks, open_i, close_i):
    """[(first, end)) token ranges of the comma-separated items inside."""
    args, first, i = [], open_i + 1, open_i + 1
    while i < close_i:
        t = toks[i]
        if t.kind == 'punct' and t.text in OPEN:
            i = match_close(toks, i) + 1
            continue
        if t.kind == 'punct' and t.text == ',':
            args.append((first, i))
            first = i + 1
        i += 1
    if first < close_i or args:
        args.append((first, close_i))
    return args


def c_string_value(tok_text):
    body = tok_text[tok_text.index('"') + 1:-1]
    return re.sub(r'\\(.)', lambda m: {'n': '\n', 't': '\t'}.get(m.group(1), m.group(1)), body)


def has_letters(text):
    return any(ch.isalpha() for ch in FORMAT_DIRECTIVE.sub('', text))


class Group:
    """Adjacent string literals (and macros between them): one C string."""

    def __init__(self, toks):
        self.toks = toks
        self.start, self.end, self.line = toks[0].start, toks[-1].end, toks[0].line
        # A macro stands for a conversion ("%" G_GSIZE_FORMAT is "%zu"): 'd'.
        self.text = ''.join(c_string_value(t.text) if t.kind == 'str' else 'd' for t in toks)
        self.static = False
        self.glib_macros = [t.text for t in toks if t.kind == 'id' and GLIB_FORMAT.match(t.text)]


def literal_groups(toks, first, end):
    """The string literals an expression evaluates to: its own, those of
    ?: branches and parentheses, and those handed on by PASS_ON calls;
    never the arguments of other calls (lookup keys, names) nor indices."""
    groups, i = [], first
    while i < end:
        t = toks[i]
        if t.kind == 'id' and i + 1 < end and toks[i + 1].text == '(':
            close = match_close(toks, i + 1)
            if t.text in PASS_ON:
                args = split_args(toks, i + 1, close)
                for n in PASS_ON[t.text]:
                    if n < len(args):
                        groups += literal_groups(toks, *args[n])
            i = close + 1
        elif t.kind == 'punct' and t.text == '[':
            i = match_close(toks, i) + 1
        elif t.kind == 'str':
            j = i
            while j < end and (toks[j].kind == 'str'
                               or (toks[j].kind == 'id' and MACRO.match(toks[j].text)
                                   and not (j + 1 < end and toks[j + 1].text == '('))):
                j += 1
            while toks[j - 1].kind != 'str' and not GLIB_FORMAT.match(toks[j - 1].text) \
                    and not XGETTEXT_MACROS.match(toks[j - 1].text):
                j -= 1
            groups.append(Group(toks[i:j]))
            i = j
        else:
            i += 1
    return groups


def function_blocks(toks):
    """For each token, the index of the outermost '{' around it (or -1)."""
    out, depth, top = [], 0, -1
    for i, t in enumerate(toks):
        if t.kind == 'punct' and t.text == '{':
            if depth == 0:
                top = i
            depth += 1
        elif t.kind == 'punct' and t.text == '}':
            depth -= 1
        out.append(top if depth > 0 or t.text == '}' else -1)
    return out


def assigned_groups(toks, blocks, call, first, end):
    """Text reaching an argument through a variable: the literals assigned to
    it earlier in the same function (msg = g_strdup_printf ("...", ...))."""
    names = {toks[k].text for k in range(first, end)
             if toks[k].kind == 'id' and not MACRO.match(toks[k].text)
             and (k + 1 >= end or toks[k + 1].text not in ('(', '->', '.', '['))
             and (k == first or toks[k - 1].text not in ('->', '.'))}
    groups, top = [], blocks[call]
    if not names or top < 0:
        return groups
    for k in range(top, call):
        if toks[k].text not in names or toks[k].kind != 'id' or toks[k - 1].text in ('->', '.'):
            continue
        if toks[k + 1].text == '[':  # a local array: const char *labels[] = { "...", NULL }
            eq = match_close(toks, k + 1) + 1
            if toks[eq].text == '=' and toks[eq + 1].text == '{':
                found = literal_groups(toks, eq + 2, match_close(toks, eq + 1))
                d = k
                while toks[d - 1].text not in (';', '{', '}'):
                    d -= 1
                if any(x.text == 'static' for x in toks[d:k]):
                    for g in found:
                        g.static = True  # _() cannot initialise it: N_() and _() where shown
                groups += found
        elif toks[k + 1].text == '=':
            j = k + 2
            while j < call and toks[j].text != ';':
                j = match_close(toks, j) + 1 if toks[j].text in OPEN else j + 1
            groups += literal_groups(toks, k + 2, j)
    return groups


PARAM = re.compile(r'const\s+g?char\s*\*\s*(\w+)\s*$')


def find_text_functions(files):
    """{(file or None, name): [(arg, 'gettext')]} for the project's functions
    that take a text parameter; static ones count in their own file only."""
    found = {}
    for path, toks in files.items():
        for i, t in enumerate(toks):
            if t.kind != 'id' or i + 1 >= len(toks) or toks[i + 1].text != '(':
                continue
            if t.text in CALLS or t.text in MARKERS or t.text in NOT_TEXT_FUNCS:
                continue
            close = match_close(toks, i + 1)
            params = [' '.join(x.text for x in toks[a:b]) for a, b in split_args(toks, i + 1, close)]
            wanted = [n for n, p in enumerate(params)
                      if PARAM.search(p.replace(' *', '*')) and PARAM.search(p).group(1) in TEXT_PARAMS]
            after = toks[close + 1:close + 6]
            if after and after[0].text == 'G_GNUC_PRINTF':
                wanted.append(int(after[2].text) - 1)
            if not wanted:
                continue
            # A declaration or definition: a type right before the name.
            prev = toks[i - 1] if i else None
            if prev is None or not (prev.kind == 'id' or prev.text == '*') or prev.text == 'return':
                continue
            back = [x.text for x in toks[max(0, i - 6):i]]
            scope = path if 'static' in back else None
            found[(scope, t.text)] = sorted({(n, 'gettext') for n in wanted})
    while infer_text_params(files, found):
        pass
    return found


def definitions(path, toks):
    """(name, scope, param names, body range) of each function defined."""
    out, i = [], 0
    while i < len(toks):
        t = toks[i]
        if t.kind == 'punct' and t.text == '{':
            i = match_close(toks, i) + 1  # not looking inside bodies (nor struct tables)
            continue
        if t.kind == 'id' and i + 1 < len(toks) and toks[i + 1].text == '(' and i > 0 \
                and (toks[i - 1].kind == 'id' or toks[i - 1].text == '*'):
            close = match_close(toks, i + 1)
            if close + 1 < len(toks) and toks[close + 1].text == '{':
                params = [toks[b - 1].text if b > a and toks[b - 1].kind == 'id' else None
                          for a, b in split_args(toks, i + 1, close)]
                back = [x.text for x in toks[max(0, i - 6):i]]
                body = (close + 1, match_close(toks, close + 1))
                out.append((t.text, path if 'static' in back else None, params, body))
                i = body[1] + 1
                continue
        i += 1
    return out


def arg_identifiers(toks, first, end):
    """Plain variables an expression hands on (as literal_groups walks it);
    not those of a ?: condition."""
    names, i = set(), first
    while i < end:
        t = toks[i]
        if t.kind == 'punct' and t.text == '?':
            names = set()
        if t.kind == 'id' and i + 1 < end and toks[i + 1].text == '(':
            close = match_close(toks, i + 1)
            if t.text in PASS_ON:
                args = split_args(toks, i + 1, close)
                for n in PASS_ON[t.text]:
                    if n < len(args):
                        names |= arg_identifiers(toks, *args[n])
            i = close + 1
        elif t.kind == 'punct' and t.text == '[':
            i = match_close(toks, i) + 1
        else:
            if t.kind == 'id' and (i + 1 >= end or toks[i + 1].text not in ('->', '.')) \
                    and (i == first or toks[i - 1].text not in ('->', '.')):
                names.add(t.text)
            i += 1
    return names


def infer_text_params(files, found):
    """A function handing a parameter on as a text argument takes text
    there too (filter_new (name, ...) -> gtk_file_filter_set_name (f, name)).
    Returns whether anything was added."""
    added = False
    for path, toks in files.items():
        for name, scope, params, (b0, b1) in definitions(path, toks):
            if name in CALLS or name in NOT_TEXT_FUNCS:
                continue
            key = (scope, name)
            have = set(found.get(key, []))
            for i in range(b0, b1):
                t = toks[i]
                if t.kind != 'id' or toks[i + 1].text != '(' or toks[i - 1].kind == 'id':
                    continue
                close = match_close(toks, i + 1)
                args = split_args(toks, i + 1, close)
                rules = text_rules(path, t.text, toks, args, found)
                for n, _mode in rules or []:
                    if n < len(args):
                        for v in arg_identifiers(toks, *args[n]):
                            if v in params:
                                have.add((params.index(v), 'gettext'))
            if have != set(found.get(key, [])):
                found[key] = sorted(have)
                added = True
    return added


def text_rules(path, name, toks, args, helpers):
    """[(argument, mode)] of the text arguments of a call, or None."""
    if name == 'gtk_show_about_dialog':
        return [(n + 1, 'gettext') for n in range(1, len(args) - 1, 2)
                if ' '.join(x.text for x in toks[slice(*args[n])]).strip('"') in ABOUT_KEYS]
    if name in CALLS_OUTSIDE_CORE and not path.startswith('src/core/'):
        return CALLS_OUTSIDE_CORE[name]
    return CALLS.get(name) or helpers.get((path, name)) or helpers.get((None, name))


class Finding:
    def __init__(self, path, line, what, group=None, mode=None):
        self.path, self.line, self.what, self.group, self.mode = path, line, what, group, mode

    def __str__(self):
        return f'{self.path}:{self.line}: {self.what}'


def scan_c(path, toks, helpers):
    """Findings in one C file: bare literals with letters in text arguments,
    GLib format macros inside marked strings, untranslated option entries."""
    out, blocks = [], function_blocks(toks)

    def rules_for(name, args):
        return text_rules(path, name, toks, args, helpers)

    for i, t in enumerate(toks):
        if t.kind != 'id' or i + 1 >= len(toks) or toks[i + 1].text != '(':
            continue
        prev = toks[i - 1] if i else None
        is_decl = prev is not None and (prev.kind == 'id' and prev.text not in ('return', 'else')
                                        or prev.text == '*')
        close = match_close(toks, i + 1)
        if t.text in MARKERS:
            for a, b in split_args(toks, i + 1, close):
                for g in literal_groups(toks, a, b):
                    for m in g.glib_macros:
                        out.append(Finding(path, g.line, f'{t.text}(): {m} inside a translatable '
                                           'string (xgettext cannot read it)', g, 'macro'))
            continue
        if t.text == 'g_option_context_add_main_entries' and not is_decl:
            args = split_args(toks, i + 1, close)
            if len(args) == 3 and toks[args[2][0]].text == 'NULL':
                out.append(Finding(path, t.line, f'{t.text}(): the N_() descriptions need the '
                                   'translation domain GETTEXT_PACKAGE, not NULL',
                                   toks[args[2][0]], 'domain'))
            continue
        if is_decl:
            continue
        args = split_args(toks, i + 1, close)
        rules = rules_for(t.text, args)
        if not rules:
            continue
        for n, mode in rules:
            if n >= len(args):
                continue
            groups = literal_groups(toks, *args[n]) + assigned_groups(toks, blocks, i, *args[n])
            for g in groups:
                if has_letters(g.text) and g.static:
                    out.append(Finding(path, g.line, f'{t.text}(): "{short(g.text)}" in a static '
                                       'array: mark it N_() and translate it with _() where shown',
                                       g, 'by-hand'))
                elif has_letters(g.text):
                    out.append(Finding(path, g.line, f'{t.text}(): bare "{short(g.text)}"', g, mode))
    out += scan_option_entries(path, toks)
    return out


def scan_option_entries(path, toks):
    """GOptionEntry descriptions are N_(): GLib translates them in --help."""
    out = []
    for i, t in enumerate(toks):
        if t.text != 'GOptionEntry':
            continue
        j = i
        while j < len(toks) and toks[j].text not in ('=', ';', ')'):
            j += 1
        if j >= len(toks) or toks[j].text != '=' or toks[j + 1].text != '{':
            continue
        close = match_close(toks, j + 1)
        for a, b in split_args(toks, j + 1, close):
            if toks[a].text != '{':
                continue
            fields = split_args(toks, a, match_close(toks, a))
            if len(fields) > 5:
                for g in literal_groups(toks, *fields[5]):
                    if has_letters(g.text):
                        out.append(Finding(path, g.line, f'GOptionEntry: bare "{short(g.text)}"', g, 'noop'))
    return out


def short(text):
    text = text.replace('\n', '\\n')
    return text if len(text) <= 50 else text[:47] + '...'


def marks_strings(toks):
    return any(t.kind == 'id' and t.text in MARKERS and i + 1 < len(toks) and toks[i + 1].text == '('
               for i, t in enumerate(toks))


UI_ELEMENT = re.compile(
    r'<(?P<tag>property|attribute)(?P<attrs>\s[^>]*?)>(?P<text>[^<]*)</(?P=tag)>'
    r'|<(?P<itag>item)(?P<iattrs>(?:\s[^>]*?)?)>(?P<itext>[^<]*)</item>', re.S)


def scan_ui(path, text):
    """Findings in a .ui file; each holds the offset where translatable="yes"
    goes (the end of the element's attributes)."""
    out = []
    for m in UI_ELEMENT.finditer(text):
        if m.group('tag'):
            attrs, body, at = m.group('attrs'), m.group('text'), m.end('attrs')
            name = re.search(r'\bname="([^"]*)"', attrs)
            if not name or name.group(1).replace('_', '-') not in UI_PROPS:
                continue
            if m.group('tag') == 'attribute' and name.group(1) != 'label':
                continue
        else:
            attrs, body, at = m.group('iattrs'), m.group('itext'), m.end('iattrs')
        if 'translatable=' in attrs or not has_letters(body):
            continue
        line = text.count('\n', 0, m.start()) + 1
        out.append(Finding(path, line, f'<{m.group("tag") or "item"}{attrs}> "{short(body.strip())}" '
                           'lacks translatable="yes"', at, 'ui'))
    return out


def source_files(srcdir):
    c, ui = [], []
    for root, dirs, names in os.walk(os.path.join(srcdir, 'src')):
        dirs.sort()
        c += [os.path.relpath(os.path.join(root, n), srcdir) for n in sorted(names)
              if n.endswith(('.c', '.h'))]
    uidir = os.path.join(srcdir, 'ui')
    if os.path.isdir(uidir):
        ui = ['ui/' + n for n in sorted(os.listdir(uidir)) if n.endswith('.ui')]
    return c, ui


def read(srcdir, rel):
    with open(os.path.join(srcdir, rel), encoding='utf-8') as f:
        return f.read()


def scan_tree(srcdir):
    """(findings, the files that mark strings) for the whole tree."""
    c_files, ui_files = source_files(srcdir)
    toks = {p: tokenize(read(srcdir, p)) for p in c_files}
    helpers = find_text_functions(toks)
    findings, marking = [], set()
    for p in c_files:
        findings += scan_c(p, toks[p], helpers)
        if marks_strings(toks[p]):
            marking.add(p)
    for p in ui_files:
        text = read(srcdir, p)
        findings += scan_ui(p, text)
        if 'translatable="yes"' in text:
            marking.add(p)
    return findings, marking, helpers


def potfiles(srcdir):
    path = os.path.join(srcdir, 'po', 'POTFILES')
    with open(path, encoding='utf-8') as f:
        return [(n, l.strip()) for n, l in enumerate(f, 1) if l.strip() and not l.startswith('#')]


def check_potfiles(srcdir, marking):
    out, listed = [], set()
    for n, rel in potfiles(srcdir):
        listed.add(rel)
        if not os.path.exists(os.path.join(srcdir, rel)):
            out.append(Finding('po/POTFILES', n, f'{rel} does not exist'))
        elif rel.endswith(('.c', '.h', '.ui')) and rel not in marking:
            out.append(Finding('po/POTFILES', n, f'{rel} marks no string'))
    for rel in sorted(marking - listed):
        out.append(Finding(rel, 1, 'marks strings but is not in po/POTFILES'))
    return out


def check_xgettext(srcdir, xgettext):
    with tempfile.TemporaryDirectory() as tmp:
        pot = os.path.join(tmp, 'attnview.pot')
        r = subprocess.run([xgettext, '--files-from=po/POTFILES', '--directory=.', '-o', pot]
                           + XGETTEXT_ARGS, cwd=srcdir, capture_output=True, text=True)
        if r.returncode != 0:
            return [Finding('po/POTFILES', 1, f'xgettext failed: {r.stderr.strip()}')]
        with open(pot, encoding='utf-8') as f:
            refs = re.findall(r'^#: (.*)$', f.read(), re.M)
    where = {ref.split(':')[0] for line in refs for ref in line.split()}
    out = []
    if not any(w.startswith('src/cli/') or w == 'src/main.c' for w in where):
        out.append(Finding('po/POTFILES', 1, 'xgettext extracts no string of the CLI'))
    if not any(re.match(r'src/[^/]+\.c$', w) and w != 'src/main.c' for w in where):
        out.append(Finding('po/POTFILES', 1, 'xgettext extracts no string of the GUI code'))
    if not any(w.startswith('ui/') for w in where):
        out.append(Finding('po/POTFILES', 1, 'xgettext extracts no string of the .ui files'))
    return out


# The scanner on small sources: what it must report (the literal's text, or
# None for a finding without one) and what it must leave alone.
SELF_TESTS = [
    ('src/a.c', 'f (GError **e) { g_set_error (e, D, 1, "cannot read %s", p); }', ['cannot read %s']),
    ('src/a.c', 'f (GError **e) { g_set_error (e, D, 1, _("cannot read %s"), p); }', []),
    ('src/a.c', 'f (GError **e) { g_set_error (e, D, 1, "%s: %s", p, m); }', []),
    ('src/a.c', 'f () { /* gtk_label_set_text (l, "x y"); */ gtk_label_set_text (l, "—"); }', []),
    ('src/a.c', 'f () { gtk_label_set_text (l, a ? "One" : (b ? "Two" : "")); }', ['One', 'Two']),
    ('src/a.c', 'f () { gtk_label_set_text (l, lookup ("key")); }', []),
    ('src/a.c', 'f () { g_set_error (e, D, 1,\n "a %" G_GSIZE_FORMAT\n " b", n); }', ['a %d b']),
    ('src/a.c', 'f () { g_set_error (e, D, 1, _("a %" G_GSIZE_FORMAT), n); }', ['a %d']),
    ('src/a.c', 'f () { g_menu_item_new ("Quit", "app.quit"); }', ['Quit']),
    ('src/a.c', 'f () { char *m = g_strdup_printf ("Saved %s", p); gtk_label_set_text (l, m); }',
     ['Saved %s']),
    ('src/a.c', 'static void say (W *w, const char *text) { gtk_label_set_text (w->l, text); }\n'
     'g () { say (w, "Hello there"); say (w, N_("Marked")); }', ['Hello there']),
    ('src/a.c', 'f () { const char *l[] = { "All", NULL }; gtk_file_chooser_add_choice (c, "k", '
     '_("K"), ids, l); }', ['All']),
    ('src/a.c', 'f () { static const char *l[] = { "All", NULL }; gtk_file_chooser_add_choice (c, '
     '"k", _("K"), ids, l); }', ['All [by hand]']),
    ('src/a.c', 'f () { GOptionEntry e[] = { { "out", 0, 0, A, &o, "Output file", "FILE" }, '
     '{ NULL } }; g_option_context_add_main_entries (c, e, GETTEXT_PACKAGE); }', ['Output file']),
    ('src/a.c', 'f () { g_option_context_add_main_entries (c, e, NULL); }', [None]),
    ('src/core/a.c', 'f () { g_string_append (s, "null"); }', []),
    ('src/a.c', 'f () { g_string_append (s, "all panels"); }', ['all panels']),
    ('src/a.c', 'f () { fprintf (stderr, "attnview: %s\\n", m); }', ['attnview: %s\n']),
    ('ui/a.ui', '<property name="label">Norm</property><property name="icon-name">x-y</property>'
     '<property name="label" translatable="yes">Ok</property><items><item>log</item></items>'
     '<attribute name="label">_Open</attribute><attribute name="action">win.open</attribute>',
     ['Norm', 'log', '_Open']),
]


def self_test():
    failed = 0
    for path, source, want in SELF_TESTS:
        if path.endswith('.ui'):
            got = [re.search(r'> "(.*)" lacks', f.what).group(1) for f in scan_ui(path, source)]
        else:
            toks = {path: tokenize(source)}
            got = [(f.group.text + (' [by hand]' if f.mode == 'by-hand' else ''))
                   if isinstance(f.group, Group) else None
                   for f in scan_c(path, toks[path], find_text_functions(toks))]
        if got != want:
            print(f'self-test: {source!r}: found {got}, expected {want}')
            failed += 1
    return failed


def main(argv):
    if argv[1:] == ['--self-test']:
        failed = self_test()
        print(f'{failed} of {len(SELF_TESTS)} scanner tests failed' if failed
              else f'{len(SELF_TESTS)} scanner tests passed')
        return 1 if failed else 0
    srcdir = argv[1] if len(argv) > 1 else '.'
    xgettext = argv[2] if len(argv) > 2 else 'xgettext'
    findings, marking, _helpers = scan_tree(srcdir)
    findings += check_potfiles(srcdir, marking)
    findings += check_xgettext(srcdir, xgettext)
    for f in findings:
        print(f)
    print(f'{len(findings)} untranslatable strings or list errors' if findings
          else 'every user-visible string is marked for translation')
    return 1 if findings else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
