;;; charter-eglot.el --- Eglot configuration for the Charter language server -*- lexical-binding: t -*-

;; Keywords: languages
;; Package-Requires: ((emacs "26.3") (eglot "1.9"))

;;; Commentary:

;; Tells Eglot (built into Emacs 29; the elpa-eglot package on Debian for
;; Emacs 28) to run `charter lsp', Charter's language server, for buffers
;; in `charter-mode': diagnostics through Flymake, and whatever else the
;; server offers (docs/lsp.md).
;;
;; Install: put this file and charter-mode.el on `load-path', then
;;
;;   (require 'charter-eglot)
;;   (add-hook 'charter-mode-hook #'eglot-ensure)
;;
;; `charter-eglot-program' names the binary; `charter-eglot-args' more
;; arguments after `lsp' (such as ("--root" "DIR")); `charter-eglot-db' a
;; measurement store, sent as initializationOptions.db.  Set them before
;; the server starts (or afterwards M-x eglot-shutdown, then M-x eglot).

;;; Code:

(require 'cl-lib)
(require 'eglot)
(require 'charter-mode)

(defcustom charter-eglot-program "charter"
  "The charter binary that runs the language server (`charter lsp')."
  :type 'string
  :group 'charter)

(defcustom charter-eglot-args nil
  "More arguments for the language server, given after `charter lsp'.
A list of strings, such as (\"--root\" \"/path/to/shared/modules\") when a
diagnostic says an import may not be read and advises --root DIR."
  :type '(repeat string)
  :group 'charter)

(defcustom charter-eglot-db nil
  "A measurement store for the language server, or nil for none.
Sent as initializationOptions.db; a relative path is read from the
folder of the program's entry file (where charter import ran)."
  :type '(choice (const :tag "None" nil) string)
  :group 'charter)

(defclass charter-eglot-server (eglot-lsp-server) ()
  :documentation "The Charter language server, `charter lsp'.")

(cl-defmethod eglot-initialization-options ((_server charter-eglot-server))
  "initializationOptions: the store of `charter-eglot-db', if any."
  (if (and charter-eglot-db (not (string-empty-p charter-eglot-db)))
      (list :db charter-eglot-db)
    (cl-call-next-method)))

(defun charter-eglot-contact (&optional _interactive)
  "How Eglot starts the server.
`charter-eglot-program' lsp, then `charter-eglot-args'."
  (append (list 'charter-eglot-server charter-eglot-program "lsp")
          charter-eglot-args))

(add-to-list 'eglot-server-programs '(charter-mode . charter-eglot-contact))

(provide 'charter-eglot)

;;; charter-eglot.el ends here
