-- Neovim's built-in LSP client for Charter: starts `charter lsp` (the
-- language server, docs/lsp.md) for every buffer of filetype charter.
-- Works on Neovim 0.7 (vim.lsp.start_client and buf_attach_client) and on
-- newer versions (vim.lsp.start). In init.lua:
--
--   vim.opt.runtimepath:append('/path/to/charter/editors/nvim')
--   require('charter.lsp').setup()
--
-- Options of setup (all optional):
--   path          the charter binary (default "charter", looked up on PATH)
--   cmd           the whole command instead (default { path, "lsp" })
--   db            a measurement store, sent as initializationOptions.db
--                 (a relative path is read from the root folder)
--   root_markers  names whose folder is the root, searched upward from the
--                 file (default { ".git" }; else the file's own folder)
--   on_attach, capabilities, handlers, flags   passed to the client
local M = {}

local options = {}
local clients = {} -- root folder -> client id (Neovim 0.7)

local function dirname(path)
  local d = path:gsub('/+[^/]*$', '')
  return d ~= '' and d or '/'
end

local function exists(path)
  return vim.loop.fs_stat(path) ~= nil
end

-- The folder above dir (or dir itself) holding one of the root markers, else dir.
local function find_root(dir)
  local d = dir
  while d and d ~= '' do
    for _, marker in ipairs(options.root_markers or { '.git' }) do
      if exists(d .. '/' .. marker) then
        return d
      end
    end
    if d == '/' then
      break
    end
    d = dirname(d)
  end
  return dir
end

local function client_config(root)
  local cmd = options.cmd or { options.path or 'charter', 'lsp' }
  return {
    name = 'charter',
    cmd = cmd,
    root_dir = root,
    workspace_folders = { { uri = vim.uri_from_fname(root), name = root } },
    init_options = options.db and { db = options.db } or vim.empty_dict(),
    on_attach = options.on_attach,
    capabilities = options.capabilities,
    handlers = options.handlers,
    flags = options.flags,
  }
end

local warned = false

-- Starts the server for buffer bufnr (or attaches the one already running
-- for its root folder).
function M.start(bufnr)
  bufnr = (bufnr == nil or bufnr == 0) and vim.api.nvim_get_current_buf() or bufnr
  local name = vim.api.nvim_buf_get_name(bufnr)
  local dir = name ~= '' and dirname(vim.fn.fnamemodify(name, ':p')) or vim.loop.cwd()
  local config = client_config(find_root(dir))
  if vim.fn.executable(config.cmd[1]) ~= 1 then
    if not warned then
      warned = true
      vim.notify('charter: cannot run ' .. config.cmd[1] .. ' (set path in require("charter.lsp").setup{})',
        vim.log.levels.WARN)
    end
    return nil
  end
  if vim.lsp.start then
    return vim.lsp.start(config, { bufnr = bufnr })
  end
  local id = clients[config.root_dir]
  local client = id and vim.lsp.get_client_by_id(id)
  if not client or client.is_stopped() then
    id = vim.lsp.start_client(config)
    clients[config.root_dir] = id
  end
  if id then
    vim.lsp.buf_attach_client(bufnr, id)
  end
  return id
end

function M.setup(opts)
  options = opts or {}
  local group = vim.api.nvim_create_augroup('charter_lsp', { clear = true })
  vim.api.nvim_create_autocmd({ 'BufRead', 'BufNewFile' }, {
    group = group,
    pattern = '*.charter',
    command = 'setfiletype charter',
  })
  vim.api.nvim_create_autocmd('FileType', {
    group = group,
    pattern = 'charter',
    callback = function(args)
      M.start(args.buf)
    end,
  })
  -- Buffers already open.
  for _, b in ipairs(vim.api.nvim_list_bufs()) do
    if vim.api.nvim_buf_is_loaded(b) and vim.bo[b].filetype == 'charter' then
      M.start(b)
    end
  end
end

return M
