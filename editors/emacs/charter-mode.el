;;; charter-mode.el --- Major mode for the Charter language -*- lexical-binding: t -*-

;; Keywords: languages
;; Package-Requires: ((emacs "25.1"))

;;; Commentary:

;; A major mode for Charter, the declarative language in which a coalition
;; writes down its theory of change.  Font-lock for comments, strings and
;; text blocks, numbers, periods (2027, 2027-H1, 2027-Q2, 2027-06,
;; 2027-06-30, SY2025-26, FY2026),
;; reserved words, declaration kinds, attribute names and symbol values;
;; `#' comments; indentation of 2 spaces per level of braces.
;;
;; The words follow lang/parse.c (reserved words) and lang/schema.def
;; (attribute names, symbol values); tests/editors.sh checks that none is
;; missing.
;;
;; Install: put this file on `load-path' and (require 'charter-mode).

;;; Code:

(defgroup charter nil
  "Major mode for the Charter language."
  :group 'languages
  :prefix "charter-")

(defcustom charter-indent-offset 2
  "Number of columns per level of braces in Charter code."
  :type 'integer
  :safe #'integerp
  :group 'charter)

(defconst charter-declaration-kinds
  '("charter" "partner" "council" "dimension" "goal" "outcome"
    "indicator" "activity" "rule" "view")
  "Charter's declaration kinds (reserved words).")

(defconst charter-keywords
  '("import" "use" "waive" "for" "where" "require" "formula")
  "Charter's other reserved words that start statements.")

(defconst charter-operator-words
  '("and" "or" "not" "in")
  "Charter's reserved words that are operators.")

(defconst charter-constants
  '("none" "true" "false")
  "Charter's reserved words that are constants.")

(defconst charter-attributes
  '("vision" "problem" "region" "period" "school_year_ends"
    "fiscal_year_ends" "champion" "urgency" "note"
    "sector" "role" "backbone_functions" "contact" "website"
    "members" "chairs" "decides" "meets"
    "groups"
    "indicator"
    "horizon" "change" "leads_to" "assumption"
    "unit" "direction" "baseline" "target" "milestone" "source"
    "reported_by" "frequency" "disaggregate" "between" "equity" "formula" "rolls_up" "coalitions" "network_id" "shared_with" "measures"
    "per" "range" "benchmark" "compare"
    "owner" "community_owner" "contributes_to" "metric" "start" "end"
    "budget" "funded_by" "status" "waive"
    "severity" "for" "where" "require" "message" "help"
    "diagram" "focus" "exclude"
    "disclosure" "suppress" "unstable" "complementary" "unknown"
    "title_es" "note_es" "internal_note" "vision_es" "problem_es" "groups_es")
  "Charter's attribute names (docs/language.md, each declaration's table).")

(defconst charter-connectives
  '("to" "by" "gap" "ratio" "below" "counts" "shown" "withheld")
  "Words inside attribute values: period ranges, targets, equity forms,
the disclosure block's lines.")

(defconst charter-symbols
  '("government" "nonprofit" "business" "philanthropy" "education"
    "health" "faith" "community" "academic" "media"
    "backbone" "funder" "champion" "evaluator" "data"
    "vision_strategy" "aligned_activities" "shared_measurement"
    "public_will" "policy" "funding"
    "agenda" "resources" "priorities" "evaluation"
    "weekly" "biweekly" "monthly" "quarterly" "semiannually" "annually"
    "biennially" "triennially"
    "short" "intermediate" "long"
    "individual" "systems"
    "up" "down"
    "how_much" "how_well" "better_off"
    "race_ethnicity" "income" "place" "age" "gender" "disability" "language" "other"
    "planned" "active" "paused" "done"
    "error" "warning" "info"
    "logic" "pathway" "accountability")
  "Charter's symbol values, the words attributes expect.")

(defconst charter-functions
  '("count" "any" "all" "sum" "min" "max" "exists" "len" "lower" "distinct")
  "Charter's built-in functions.")

(defconst charter-collections
  '("partners" "councils" "dimensions" "goals" "outcomes" "indicators"
    "activities" "rules")
  "Charter's collections, for rules.")

(defface charter-escape-face
  (if (facep 'font-lock-escape-face)
      '((t :inherit font-lock-escape-face))
    '((t :inherit font-lock-regexp-grouping-backslash)))
  "Face for escapes in strings, such as \\\" and \\u{1F600}."
  :group 'charter)

(defconst charter--statement-start "\\(?:^[ \t]*\\|[{;][ \t]*\\)"
  "Where a statement, and so an attribute name, starts.")

(defconst charter-font-lock-keywords
  `(;; An attribute name as the first word of a statement.
    (,(concat charter--statement-start
              "\\(" (regexp-opt charter-attributes 'symbols) "\\)")
     1 font-lock-variable-name-face)
    ;; A declaration: KIND ID "Title".
    (,(concat "^[ \t]*" (regexp-opt charter-declaration-kinds 'symbols)
              "[ \t]+\\(\\_<[A-Za-z_][A-Za-z0-9_]*\\_>\\)[ \t]+\"")
     (1 font-lock-keyword-face t) (2 font-lock-function-name-face))
    (,(regexp-opt charter-declaration-kinds 'symbols) . font-lock-keyword-face)
    (,(regexp-opt charter-keywords 'symbols) . font-lock-keyword-face)
    (,(regexp-opt charter-operator-words 'symbols) . font-lock-builtin-face)
    (,(regexp-opt charter-constants 'symbols) . font-lock-constant-face)
    (,(regexp-opt charter-connectives 'symbols) . font-lock-keyword-face)
    (,(concat (regexp-opt charter-functions 'symbols) "[ \t]*(")
     1 font-lock-builtin-face)
    (,(regexp-opt charter-collections 'symbols) . font-lock-builtin-face)
    ;; Periods: 2027-H1, 2027-Q2, 2027-06, 2027-06-30, SY2025-26, FY2026; a
    ;; bare year after in/by/to/...
    ("\\_<\\(?:SY[0-9]\\{4\\}-[0-9]\\{2\\}\\|FY[0-9]\\{4\\}\\)\\_>" . font-lock-constant-face)
    ("\\_<[0-9]\\{4\\}-\\(?:[QH][0-9]\\|[0-9]\\{2\\}\\(?:-[0-9]\\{2\\}\\)?\\)\\_>"
     . font-lock-constant-face)
    ("\\_<\\(?:in\\|by\\|to\\|period\\|start\\|end\\)[ \t]+\\([0-9]\\{4\\}\\)\\_>"
     1 font-lock-constant-face)
    ;; Numbers.
    ("\\_<[0-9]+\\(?:_[0-9]+\\)*\\(?:\\.[0-9]+\\(?:_[0-9]+\\)*\\)?\\_>"
     . font-lock-constant-face)
    ;; Symbol values, where they are not the first word of a statement.
    (,(regexp-opt charter-symbols 'symbols) . font-lock-constant-face)
    ;; A currency code after an amount.
    ("[0-9][ \t]+\\(\\_<[A-Z]\\{3\\}\\_>\\)" 1 font-lock-type-face)
    ;; String escapes.
    ("\\\\\\(?:[\"\\\\nt]\\|u{[0-9A-Fa-f]+}\\)" 0 'charter-escape-face prepend))
  "Font-lock keywords for `charter-mode'.")

(defvar charter-mode-syntax-table
  (let ((table (make-syntax-table)))
    (modify-syntax-entry ?# "<" table)
    (modify-syntax-entry ?\n ">" table)
    (modify-syntax-entry ?\" "\"" table)
    (modify-syntax-entry ?\\ "\\" table)
    (modify-syntax-entry ?_ "_" table)
    (modify-syntax-entry ?' "." table)
    (modify-syntax-entry ?{ "(}" table)
    (modify-syntax-entry ?} "){" table)
    (modify-syntax-entry ?\( "()" table)
    (modify-syntax-entry ?\) ")(" table)
    (modify-syntax-entry ?\[ "(]" table)
    (modify-syntax-entry ?\] ")[" table)
    (dolist (c '(?+ ?- ?* ?/ ?< ?> ?= ?! ?. ?, ?: ?\;))
      (modify-syntax-entry c "." table))
    table)
  "Syntax table for `charter-mode'.")

(defun charter--text-block-quote ()
  "Mark the first quote of a `\"\"\"' as a string fence, outside comments and strings."
  (let* ((beg (match-beginning 0))
         (ppss (save-excursion (syntax-ppss beg)))
         (in-string (nth 3 ppss)))
    (unless (or (nth 4 ppss) (and in-string (not (eq in-string t))))
      (put-text-property beg (1+ beg) 'syntax-table (string-to-syntax "|")))))

(defconst charter--syntax-propertize
  (syntax-propertize-rules
   ("\"\"\"" (0 (ignore (charter--text-block-quote)))))
  "Make text blocks (`\"\"\"...\"\"\"') strings that may hold quotes.")

(defun charter-indent-line ()
  "Indent the current line: `charter-indent-offset' columns per open bracket."
  (interactive)
  (let* ((depth (save-excursion (car (syntax-ppss (line-beginning-position)))))
         (closing (save-excursion
                    (back-to-indentation)
                    (looking-at-p "[]})]")))
         (in-text-block (save-excursion
                          (eq (nth 3 (syntax-ppss (line-beginning-position))) t)))
         (column (* charter-indent-offset (max 0 (if closing (1- depth) depth))))
         (offset (- (current-column) (current-indentation))))
    (unless in-text-block
      (indent-line-to column)
      (when (> offset 0) (move-to-column (+ column offset))))))

;;;###autoload
(define-derived-mode charter-mode prog-mode "Charter"
  "Major mode for editing Charter programs.

\\{charter-mode-map}"
  :syntax-table charter-mode-syntax-table
  :group 'charter
  (setq-local comment-start "# ")
  (setq-local comment-start-skip "#+[ \t]*")
  (setq-local comment-end "")
  (setq-local font-lock-defaults '(charter-font-lock-keywords))
  (setq-local syntax-propertize-function charter--syntax-propertize)
  (setq-local indent-line-function #'charter-indent-line)
  (setq-local indent-tabs-mode nil)
  (setq-local tab-width 8)
  (setq-local electric-indent-chars (append "{}()[]" electric-indent-chars)))

;;;###autoload
(add-to-list 'auto-mode-alist '("\\.charter\\'" . charter-mode))

(provide 'charter-mode)

;;; charter-mode.el ends here
