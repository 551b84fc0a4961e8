"""Prompt snippets for `llmpath shell-init`: the badge in bash, zsh and fish without Python.

Each snippet reads the badge file with shell builtins at every prompt, so a prompt costs no
Python start. The template becomes shell code here, once: `{percent}` turns into a variable,
everything else into quoted text, so nothing the file holds is ever evaluated by the shell.
"""

from __future__ import annotations

import re
import string

from .badge import BADGE_NAME, FIELDS

SHELLS = ("bash", "zsh", "fish")
CACHED = (*FIELDS, "next_ascii", "week")


def _pieces(template: str, ascii_only: bool) -> list[tuple[str, str]]:
    """The template as ('text', literal) and ('field', name) pieces, read as str.format reads it
    (so `{{` is a brace), the way `llmpath badge --format` reads it."""
    if ascii_only:
        template = template.encode("ascii", "ignore").decode("ascii")
    pieces = []
    for literal, field, _spec, _conversion in string.Formatter().parse(template):
        pieces.append(("text", literal))
        if field is not None:
            pieces.append(("field", "next_ascii" if ascii_only and field == "next" else field))
    return [p for p in pieces if p[1]]


def _shell_word(pieces: list[tuple[str, str]], expansion: str, specials: str) -> str:
    """One shell word of adjacent double-quoted parts: each literal with `specials` escaped, each
    field as `expansion` of its variable. Separate parts also end a variable's name in fish,
    which has no ${name}."""
    parts = []
    for kind, value in pieces:
        if kind == "field":
            parts.append('"' + expansion.format("_lp_" + value) + '"')
        else:
            parts.append('"' + re.sub(f"([{re.escape(specials)}])", r"\\\1", value) + '"')
    return "".join(parts) or "''"


def _posix_text(pieces: list[tuple[str, str]]) -> str:
    return _shell_word(pieces, "${{{}}}", '\\$`"')


def _fish_text(pieces: list[tuple[str, str]]) -> str:
    return _shell_word(pieces, "${}", '\\$"')


def _single_quoted(text: str) -> str:
    return "'" + text.replace("'", "'\\''") + "'"


def snippet(shell: str, default_dir: str, template: str, ascii_only: bool) -> str:
    pieces = _pieces(template, ascii_only)
    cases = "|".join(CACHED)
    fish_locals = "\n".join(f"    set -l _lp_{n} ''" for n in CACHED)
    if shell == "bash":
        return f"""# llmpath prompt badge for bash: add to ~/.bashrc with
#   eval "$(llmpath shell-init bash)"
# Each prompt reads llmpath's badge file with builtins only (no Python); nothing shows without it.
_llmpath_badge() {{
    local last=$?  # handed back, so prompt commands after this one still see the user's status
    _llmpath_badge_text=
    local file="${{LLMPATH_HOME:-{default_dir}}}/{BADGE_NAME}" line key now
    local {" ".join(f"_lp_{n}=" for n in CACHED)}
    [[ -r $file ]] || return $last
    while IFS= read -r line; do
        key=${{line%%=*}}
        case $key in
            {cases}) printf -v "_lp_$key" '%s' "${{line#*=}}" ;;
        esac
    done < "$file"
    [[ -n $_lp_percent ]] || return $last
    if ((BASH_VERSINFO[0] > 4 || (BASH_VERSINFO[0] == 4 && BASH_VERSINFO[1] >= 2))); then
        printf -v now '%(%G-W%V)T' -1
    else
        now=$(date +%G-W%V)  # bash before 4.2 (macOS's /bin/bash) has no date in printf
    fi
    [[ $now == "$_lp_week" ]] || _lp_papers=0
    _llmpath_badge_text={_posix_text(pieces)}
    return $last
}}
if [[ ${{PROMPT_COMMAND-}} != *_llmpath_badge* ]]; then
    PROMPT_COMMAND="_llmpath_badge${{PROMPT_COMMAND:+; $PROMPT_COMMAND}}"
    PS1='${{_llmpath_badge_text:+[$_llmpath_badge_text] }}'"$PS1"
fi
"""
    if shell == "zsh":
        return f"""# llmpath prompt badge for zsh: add to ~/.zshrc with
#   eval "$(llmpath shell-init zsh)"
# Each prompt reads llmpath's badge file with builtins only (no Python); nothing shows without it.
_llmpath_badge() {{
    local last=$?  # handed back, so precmd hooks after this one still see the user's status
    psvar[9]=
    local file="${{LLMPATH_HOME:-{default_dir}}}/{BADGE_NAME}" line key now
    local {" ".join(f"_lp_{n}=" for n in CACHED)}
    [[ -r $file ]] || return $last
    while IFS= read -r line; do
        key=${{line%%=*}}
        case $key in
            ({cases}) typeset "_lp_$key=${{line#*=}}" ;;
        esac
    done < "$file"
    [[ -n $_lp_percent ]] || return $last
    now=${{(%):-%D{{%G-W%V}}}}
    [[ $now == "$_lp_week" ]] || _lp_papers=0
    psvar[9]={_posix_text(pieces)}
    return $last
}}
autoload -Uz add-zsh-hook
add-zsh-hook precmd _llmpath_badge
[[ $PROMPT == *'%9v'* ]] || PROMPT='%(9V.[%9v] .)'"$PROMPT"
"""
    if shell == "fish":
        return f"""# llmpath prompt badge for fish: add to ~/.config/fish/config.fish with
#   llmpath shell-init fish | source
# Each prompt reads llmpath's badge file with builtins only (no Python); nothing shows without it.
# It is shown as the right prompt, after any right prompt you already have; to place it elsewhere,
# call _llmpath_badge in your fish_prompt.
function _llmpath_badge
    set -l dir {_single_quoted(default_dir)}
    test -n "$LLMPATH_HOME"; and set dir $LLMPATH_HOME
    set -l file $dir/{BADGE_NAME}
    test -r $file; or return 0
{fish_locals}
    while read -l line
        set -l parts (string split -m 1 = -- $line)
        switch $parts[1]
            case {" ".join(CACHED)}
                set _lp_$parts[1] $parts[2]
        end
    end < $file
    test -n "$_lp_percent"; or return 0
    test (date +%G-W%V) = "$_lp_week"; or set _lp_papers 0
    echo -n -- {_fish_text(pieces)}
end
if functions -q fish_right_prompt; and not functions -q _llmpath_user_right_prompt
    functions -c fish_right_prompt _llmpath_user_right_prompt
end
function fish_right_prompt
    functions -q _llmpath_user_right_prompt; and _llmpath_user_right_prompt
    _llmpath_badge
end
"""
    raise ValueError(f"no snippet for {shell!r}; shells: {', '.join(SHELLS)}")
