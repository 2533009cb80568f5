" Vim syntax file for Charter, the language of coalitions' theories of change.
" The words follow lang/parse.c (reserved words) and lang/schema.def (attribute
" names and symbol values); tests/editors.sh checks that none is missing.
if exists('b:current_syntax')
  finish
endif

let s:cpo_save = &cpo
set cpo&vim

syn case match
syn iskeyword @,48-57,_,192-255

" Comments run from '#' to the end of the line.
syn keyword charterTodo contained TODO FIXME XXX NOTE
syn match   charterComment /#.*$/ contains=charterTodo,@Spell

" Strings: one line, with escapes \" \\ \n \t \u{1F600}; text blocks span lines.
syn match   charterEscape contained /\\\%(["\\nt]\|u{\x\{1,6}}\)/
syn match   charterBadEscape contained /\\\%(["\\nt]\|u{\x\{1,6}}\)\@!./
syn region  charterString start=/"/ skip=/\\\\\|\\"/ end=/"/ oneline
      \ contains=charterEscape,charterBadEscape,@Spell
syn region  charterTextBlock start=/"""/ end=/"""/ keepend
      \ contains=charterEscape,charterBadEscape,@Spell

" Numbers: 41, 250_000, 150.5. Periods: 2027-H1, 2027-Q2, 2027-06, 2027-06-30,
" SY2025-26, FY2026, and a bare year where a period is expected (after in, by,
" to, period, start, end).
syn match   charterNumber /\<\d\+\%(_\d\+\)*\%(\.\d\+\%(_\d\+\)*\)\=\>/
syn match   charterPeriod /\<\d\{4}-\%([QH]\d\|\d\d\%(-\d\d\)\=\)\>/
syn match   charterPeriod /\<\%(SY\d\{4}-\d\d\|FY\d\{4}\)\>/
syn match   charterPeriod /\%(\<\%(in\|by\|to\|period\|start\|end\)\s\+\)\@<=\d\{4}\>/
" A currency code after a budget amount.
syn match   charterCurrency /\%(\d\s\+\)\@<=\<[A-Z]\{3}\>/

" Reserved words (docs/language.md, "Reserved words").
syn keyword charterKind      charter partner council dimension goal outcome
      \ indicator activity rule view
syn keyword charterInclude   import use
syn keyword charterWaive     waive
syn keyword charterKeyword   for where require formula
syn keyword charterOperator  and or not in
syn keyword charterConstant  none true false

" Attribute names, as the first word of a statement (docs/language.md: each
" declaration's table of attributes).
syn match   charterAttribute /\%(^\s*\|[{;]\s*\)\@<=\<\%(vision\|problem\|region\|period\|school_year_ends\|fiscal_year_ends\|champion\|urgency\|note\|sector\|role\|backbone_functions\|contact\|website\|members\|chairs\|decides\|meets\|groups\|indicator\|horizon\|change\|leads_to\|assumption\|unit\|direction\|baseline\|target\|milestone\|source\|reported_by\|frequency\|disaggregate\|between\|equity\|formula\|rolls_up\|coalitions\|network_id\|shared_with\|measures\|owner\|community_owner\|contributes_to\|metric\|start\|end\|budget\|funded_by\|status\|waive\|severity\|for\|where\|require\|message\|help\|diagram\|focus\|exclude\)\>/
" An indicator's scale, bounds and benchmarks.
syn match   charterAttribute /\%(^\s*\|[{;]\s*\)\@<=\<\%(per\|range\|benchmark\|compare\)\>/
" The Spanish texts (title_es…) and the internal note.
syn match   charterAttribute /\%(^\s*\|[{;]\s*\)\@<=\<\%(title_es\|note_es\|internal_note\|vision_es\|problem_es\|groups_es\)\>/
" The charter's disclosure block and its lines.
syn match   charterAttribute /\%(^\s*\|[{;]\s*\)\@<=\<\%(disclosure\|suppress\|unstable\|complementary\|unknown\)\>/

" Words inside attribute values: to, by, gap, ratio, the disclosure
" block's words, and the symbols.
syn keyword charterConnective to by gap ratio below counts shown withheld
" Symbols, anywhere but as the first word of a statement (champion is both).
syn match   charterSymbol /\%(^\s*\|[{;]\s*\)\@<!\<\%(government\|nonprofit\|business\|philanthropy\|education\|health\|faith\|community\|academic\|media\|backbone\|funder\|champion\|evaluator\|data\|vision_strategy\|aligned_activities\|shared_measurement\|public_will\|policy\|funding\|agenda\|resources\|priorities\|evaluation\|weekly\|biweekly\|monthly\|quarterly\|semiannually\|annually\|biennially\|triennially\|short\|intermediate\|long\|individual\|systems\|up\|down\|how_much\|how_well\|better_off\|planned\|active\|paused\|done\|error\|warning\|info\|logic\|pathway\|accountability\|race_ethnicity\|income\|place\|age\|gender\|disability\|language\|other\)\>/

" Expressions: built-in functions, collections, operators.
syn match   charterFunction /\<\%(count\|any\|all\|sum\|min\|max\|exists\|len\|lower\|distinct\)\ze\s*(/
syn keyword charterCollection partners councils dimensions goals outcomes
      \ indicators activities rules
syn match   charterOperatorSign /==\|!=\|<=\|>=\|[<>+*/-]/

" The rule id after 'waive'.
syn match   charterWaivedRule /\%(\<waive\s\+\)\@<=\h\w*/

syn sync minlines=200

hi def link charterTodo         Todo
hi def link charterComment      Comment
hi def link charterEscape       SpecialChar
hi def link charterBadEscape    Error
hi def link charterString       String
hi def link charterTextBlock    String
hi def link charterNumber       Number
hi def link charterPeriod       Constant
hi def link charterCurrency     Type
hi def link charterKind         Structure
hi def link charterInclude      Include
hi def link charterWaive        Keyword
hi def link charterKeyword      Keyword
hi def link charterOperator     Operator
hi def link charterConstant     Boolean
hi def link charterAttribute    Identifier
hi def link charterConnective   Keyword
hi def link charterSymbol       Constant
hi def link charterFunction     Function
hi def link charterCollection   Special
hi def link charterOperatorSign Operator
hi def link charterWaivedRule   Label

let b:current_syntax = 'charter'

let &cpo = s:cpo_save
unlet s:cpo_save
