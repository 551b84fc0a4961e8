"""`llmpath shell-init`: snippets that put the badge into bash, zsh and fish prompts without Python.

Each snippet reads the badge file with shell builtins at every prompt, so a prompt costs no
Python start. The template becomes shell code here, once: `{percent}` turns into a variable,
everything else into quoted text, so nothing the file or the template holds is ever evaluated.

The console script runs `llmpath shell-init SHELL [--format T] [--ascii]` from llmpath.entry
before the Typer app is imported (a shell runs it at every start), so this module, like
llmpath.badge, imports only the standard library's lightest parts.
"""

import itertools
import os
import string
import sys

from . import badge

# The badge file's lines a snippet reads.
CACHED = (*badge.FIELDS, *(name + "_ascii" for name in badge.TEXT_FIELDS), *badge.DATED, "week_ends_in", "day_ends_in")


def quoted(text, shell):
    """`text` as one word of `shell` that expands to exactly `text`.

    Printable ASCII goes into single quotes; every other character is written as escapes of its
    bytes (in the file-system encoding, so any directory name comes back byte for byte). The
    snippet is then plain ASCII whatever the text holds, and no encoding or terminal can alter it.
    """
    words = []
    for printable, run in itertools.groupby(text, lambda char: " " <= char <= "~"):
        run = "".join(run)
        if printable and shell == "fish":  # fish reads \\ and \' inside single quotes
            words.append("'" + run.replace("\\", "\\\\").replace("'", "\\'") + "'")
        elif printable:
            words.append("'" + run.replace("'", "'\\''") + "'")
        elif shell == "fish":
            words.append("".join(f"\\X{byte:02x}" for byte in os.fsencode(run)))
        else:
            words.append("$'" + "".join(f"\\{byte:03o}" for byte in os.fsencode(run)) + "'")
    return "".join(words) or "''"


def _badge_word(template, ascii_only, shell):
    """The template as one shell word: fields as variables, text quoted.

    Read as str.format reads it (so `{{` is a brace), the way `llmpath badge --format` reads it,
    and made visible (or printable ASCII) as `llmpath badge` shows it.
    """
    template = badge.shown(template, ascii_only)
    variable = '"$_lp_{}"' if shell == "fish" else '"${{_lp_{}}}"'  # fish has no ${name}
    words = []
    for literal, field, _spec, _conversion in string.Formatter().parse(template):
        if literal:
            words.append(quoted(literal, shell))
        if field is not None:
            words.append(variable.format(field + "_ascii" if ascii_only and field in badge.TEXT_FIELDS else field))
    return "".join(words) or "''"


# With a PostgreSQL store, the prompt never asks the server: once a minute at most, each shell
# asks `llmpath badge --refresh`, in the background, to bring the badge file up to date; that
# command refreshes it at most once a minute on this machine, whichever shell asks.
_BASH_REFRESH = """    if ((BASH_VERSINFO[0] * 100 + BASH_VERSINFO[1] >= 402)); then
        local clock
        printf -v clock '%(%s)T' -1
        if ((clock - ${_llmpath_asked:-0} >= 60)); then
            _llmpath_asked=$clock
            (command llmpath badge --refresh >/dev/null 2>&1 &)
        fi
    fi
"""
_ZSH_REFRESH = """    zmodload -F zsh/datetime p:EPOCHSECONDS 2>/dev/null
    if (( ${EPOCHSECONDS:-0} - ${_llmpath_asked:-0} >= 60 )); then
        typeset -g _llmpath_asked=$EPOCHSECONDS
        (command llmpath badge --refresh >/dev/null 2>&1 &)
    fi
"""
_FISH_REFRESH = f"""    # The file's and the last refresh's ages come from a builtin (fish 3.5 and later).
    set -l marker (string replace -r '[^/]*$' '' -- $file){badge.REFRESH_NAME}
    if builtin -q path 2>/dev/null
        and begin; not test -f $file; or test (path mtime --relative $file) -ge 60; end
        and begin; not test -f $marker; or test (path mtime --relative $marker) -ge 60; end
        command llmpath badge --refresh >/dev/null 2>&1 &
        disown 2>/dev/null
    end
"""


def _bash(file, text, server):
    return f"""# llmpath prompt badge for bash: add to ~/.bashrc with
#   eval "$(llmpath shell-init bash)"
# Each prompt reads llmpath's badge file with builtins only (no Python); nothing shows without it.
# The badge goes in front of PS1, also of a PS1 set after this or rebuilt at every prompt by a
# theme. To place it yourself, put $_llmpath_badge_text into PS1 (in single quotes), e.g.
#   PS1='\\w ${{_llmpath_badge_text:+($_llmpath_badge_text) }}\\$ '
_llmpath_badge() {{
    # Sets _llmpath_badge_text from the badge file, or to nothing.
    _llmpath_badge_text=
    local file={file} line key now day
    [[ -n ${{LLMPATH_HOME-}} ]] && file=$LLMPATH_HOME/{badge.BADGE_NAME}
{_BASH_REFRESH if server else ""}    local {" ".join(f"_lp_{n}=" for n in CACHED)}
    # Only a regular file: a FIFO or a device in its place would block the prompt.
    [[ -f $file && -r $file ]] || return 0
    {{
        IFS= read -r line && [[ $line == {quoted(badge.FORMAT_LINE, "bash")} ]] || return 0
        while IFS= read -r line; do
            key=${{line%%=*}}
            case $key in
                {"|".join(CACHED)}) printf -v "_lp_$key" '%s' "${{line#*=}}" ;;
            esac
        done
    }} < "$file"
    [[ -n $_lp_percent ]] || return 0
    if ((BASH_VERSINFO[0] > 4 || (BASH_VERSINFO[0] == 4 && BASH_VERSINFO[1] >= 2))); then
        printf -v now '%(%G-W%V)T' -1
        printf -v day '%(%Y-%m-%d)T' -1
    else
        now=$(date '+%G-W%V %Y-%m-%d')  # bash before 4.2 (macOS's /bin/bash) has no date in printf
        day=${{now#* }} now=${{now%% *}}
    fi
    # A new week starts at zero papers, a new day at zero minutes.
    [[ $now == "$_lp_week" ]] || _lp_papers=0
    [[ $day == "$_lp_day" ]] || _lp_today=$_lp_next_day
    _llmpath_badge_text={text}
    # llmpath writes no control character; one in the file came from elsewhere: show it as ?.
    _llmpath_badge_text=${{_llmpath_badge_text//[[:cntrl:]]/?}}
}}
_llmpath_prompt() {{
    local last=$?  # handed back, so whatever runs after this still sees the user's status
    _llmpath_badge
    # A PS1 set after the eval line, or rebuilt by a theme's hook, lacks the badge: put it in front.
    [[ $PS1 == *_llmpath_badge_text* ]] || PS1='${{_llmpath_badge_text:+[$_llmpath_badge_text] }}'$PS1
    _llmpath_last
    return $last
}}
_llmpath_last() {{
    # Keep _llmpath_prompt the last prompt command, so that the PS1 it sees is the one shown. When a
    # hook (a theme rebuilding PS1) was added after it, it moves behind, from the next prompt on;
    # only bash-preexec's __bp_interactive_mode stays after it, as bash-preexec needs.
    local tail=__bp_interactive_mode all=${{PROMPT_COMMAND[*]-}}
    [[ $all == *_llmpath_prompt || $all == *_llmpath_prompt[$' \\n;']$tail ]] && return 0  # almost always
    local hooks=() hook
    ((BASH_VERSINFO[0] * 100 + BASH_VERSINFO[1] >= 501)) && hooks=("${{PROMPT_COMMAND[@]}}")
    if ((${{#hooks[@]}} > 1)); then
        # An array, whose elements bash 5.1 and later run in turn.
        [[ ${{hooks[*]: -1}} == "$tail" ]] || tail=
        PROMPT_COMMAND=()
        for hook in "${{hooks[@]}}"; do
            [[ $hook == _llmpath_prompt || $hook == "$tail" ]] || PROMPT_COMMAND+=("$hook")
        done
        PROMPT_COMMAND+=(_llmpath_prompt $tail)
        return 0
    fi
    # One string of commands. The old place is cut out when a separator follows it there, which
    # leaves valid commands; otherwise it is left to run twice.
    local commands=${{PROMPT_COMMAND-}} rest
    if [[ $commands == *$'\\n'$tail ]]; then
        commands=${{commands%$'\\n'$tail}} tail=$'\\n'$tail
    else
        tail=
    fi
    if [[ $commands == *_llmpath_prompt* ]]; then
        [[ ${{commands##*_llmpath_prompt}} == *[!$'; \\t\\n']* ]] || return 0  # only separators follow
        rest=${{commands#*_llmpath_prompt}}
        [[ $rest == [$'; \\t\\n']* ]] && commands=${{commands%%_llmpath_prompt*}}${{rest#;}}
    fi
    PROMPT_COMMAND=${{commands:+$commands$'\\n'}}_llmpath_prompt$tail
}}
_llmpath_last
"""


def _zsh(file, text, server):
    return f"""# llmpath prompt badge for zsh: add to ~/.zshrc with
#   eval "$(llmpath shell-init zsh)"
# Each prompt reads llmpath's badge file with builtins only (no Python); nothing shows without it.
# The badge goes in front of PROMPT, also of a PROMPT set after this or rebuilt by a theme's
# precmd hook. To place it yourself, put %9v into PROMPT or RPROMPT, e.g.
#   RPROMPT='%(9V.[%9v].)'
_llmpath_badge() {{
    # Sets psvar[9], which a prompt shows as %9v, from the badge file, or to nothing.
    emulate -L zsh
    psvar[9]=
    local file={file} line key now day
    [[ -n ${{LLMPATH_HOME-}} ]] && file=$LLMPATH_HOME/{badge.BADGE_NAME}
{_ZSH_REFRESH if server else ""}    local {" ".join(f"_lp_{n}=" for n in CACHED)}
    # Only a regular file: a FIFO or a device in its place would block the prompt.
    [[ -f $file && -r $file ]] || return 0
    {{
        IFS= read -r line && [[ $line == {quoted(badge.FORMAT_LINE, "zsh")} ]] || return 0
        while IFS= read -r line; do
            key=${{line%%=*}}
            case $key in
                ({"|".join(CACHED)}) typeset "_lp_$key=${{line#*=}}" ;;
            esac
        done
    }} < "$file"
    [[ -n $_lp_percent ]] || return 0
    now=${{(%):-%D{{%G-W%V}}}} day=${{(%):-%D{{%Y-%m-%d}}}}
    # A new week starts at zero papers, a new day at zero minutes.
    [[ $now == "$_lp_week" ]] || _lp_papers=0
    [[ $day == "$_lp_day" ]] || _lp_today=$_lp_next_day
    psvar[9]={text}
    # llmpath writes no control character; one in the file came from elsewhere: show it as ?.
    psvar[9]=${{psvar[9]//[[:cntrl:]]/?}}
}}
_llmpath_precmd() {{
    local last=$?  # handed back, so hooks after this one still see the user's status
    emulate -L zsh
    _llmpath_badge
    # A PROMPT set after the eval line, or rebuilt by a theme's hook, lacks the badge: put it in front.
    [[ $PROMPT$RPROMPT == *%9v* ]] || PROMPT='%(9V.[%9v] .)'$PROMPT
    _llmpath_last
    return $last
}}
_llmpath_last() {{
    # Keep _llmpath_precmd the last precmd hook, so that the PROMPT it sees is the one shown. When a
    # hook (a theme rebuilding PROMPT) was added after it, it moves behind, from the next prompt on;
    # zsh runs a copy of the list, so changing it from a hook is safe.
    emulate -L zsh
    [[ ${{precmd_functions[-1]-}} == _llmpath_precmd ]] ||
        precmd_functions=(${{precmd_functions:#_llmpath_precmd}} _llmpath_precmd)
}}
_llmpath_last
"""


def _fish(file, text, server):
    return f"""# llmpath prompt badge for fish: add to ~/.config/fish/config.fish with
#   llmpath shell-init fish | source
# Each prompt reads llmpath's badge file with builtins only (no Python, and from fish 3.5 on no
# process at all); nothing shows without it. The badge goes after your right prompt, whether that
# is defined before this or after it. To place it yourself, call _llmpath_badge in fish_prompt or
# fish_right_prompt: a prompt that calls it is left as it is.
function _llmpath_badge --description 'Print the llmpath badge'
    set -l file {file}
    test -n "$LLMPATH_HOME"; and set file $LLMPATH_HOME/{badge.BADGE_NAME}
{_FISH_REFRESH if server else ""}    # Only a regular file: a FIFO or a device in its place would block the prompt.
    test -f $file -a -r $file; or return 0
{chr(10).join(f"    set -l _lp_{n} ''" for n in CACHED)}
    begin
        read -l line; and test "$line" = {quoted(badge.FORMAT_LINE, "fish")}; or return 0
        while read -l -d = key value
            switch $key
                case {" ".join(CACHED)}
                    set _lp_$key $value
            end
        end
    end < $file
    test -n "$_lp_percent"; or return 0
    # A new week starts at zero papers, a new day at zero minutes. The file says how many seconds
    # after it was written its week and its day end, and its age comes from a builtin (fish 3.5 and
    # later): no process starts at a prompt.
    if builtin -q path 2>/dev/null
        set -l age (path mtime --relative $file)
        test "$age" -lt "$_lp_week_ends_in" 2>/dev/null; or set _lp_papers 0
        test "$age" -lt "$_lp_day_ends_in" 2>/dev/null; or set _lp_today $_lp_next_day
    else
        set -l now (date '+%G-W%V %Y-%m-%d' | string split ' ')
        test "$now[1]" = "$_lp_week"; or set _lp_papers 0
        test "$now[2]" = "$_lp_day"; or set _lp_today $_lp_next_day
    end
    # llmpath writes no control character; one in the file came from elsewhere: show it as ?.
    printf %s (string replace -ra '\\p{{Cc}}' '?' -- {text})
end
function _llmpath_place --on-event fish_prompt
    # Leave prompts that show the badge already: ours, or one that calls _llmpath_badge by hand.
    string match -q '*_llmpath_badge*' -- (functions fish_right_prompt 2>/dev/null); and return
    string match -q '*_llmpath_badge*' -- (functions fish_prompt 2>/dev/null); and return
    # Otherwise the right prompt in place (defined before this snippet or after it), then the badge.
    functions -e _llmpath_user_right_prompt
    if functions -q fish_right_prompt
        functions -c fish_right_prompt _llmpath_user_right_prompt
    else
        function _llmpath_user_right_prompt
        end
    end
    function fish_right_prompt
        set -l shown (_llmpath_user_right_prompt) (_llmpath_badge)
        printf %s (string join ' ' -- $shown)
    end
end
"""


SNIPPETS = {"bash": _bash, "zsh": _zsh, "fish": _fish}
SHELLS = tuple(SNIPPETS)


def snippet(shell, default_dir, template, ascii_only):
    """The prompt snippet for `shell`, reading the badge file from `default_dir` unless
    LLMPATH_HOME is set where it runs."""
    file = quoted(os.path.join(default_dir, badge.BADGE_NAME), shell)
    return SNIPPETS[shell](file, _badge_word(template, ascii_only, shell), badge.uses_server(badge.data_dir()))


def init(shell, template, ascii_only):
    """The text `llmpath shell-init` prints; ValueError says what to fix."""
    name = shell.strip().lower()
    if name not in SHELLS:
        raise ValueError(f"no snippet for {shell!r}; choose bash, zsh or fish")
    badge.check_template(template)
    # The snippet holds the platform default; LLMPATH_HOME, when set in the shell, still wins.
    return snippet(name, badge.default_data_dir(), template, ascii_only)


def parse(args):
    """(shell, template, ascii_only) from `SHELL [--format T] [--ascii]`; None for any other form
    (--help, an unknown option), which the Typer app then answers in its own words."""
    if not args or args[0].startswith("-"):
        return None
    try:
        template, ascii_only, wants_help = badge.parse(args[1:])
    except ValueError:
        return None
    return None if wants_help else (args[0], template, ascii_only)


def main(shell, template, ascii_only):
    """Print the snippet, or one line on stderr and exit status 2, as the Typer command does."""
    try:
        text = init(shell, template, ascii_only)
    except ValueError as problem:
        print(f"error: {problem}", file=sys.stderr)
        return 2
    sys.stdout.write(text)
    return 0
