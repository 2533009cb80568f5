-- Neovim's built-in LSP client for Charter: starts `charter lsp` (the
-- language server, docs/lsp.md) for every buffer of filetype charter.
-- Works on Neovim 0.7 (vim.lsp.start_client and buf_attach_client) and on
-- newer versions (vim.lsp.start). In init.lua:
--
--   vim.opt.runtimepath:append('/path/to/charter/editors/nvim')
--   require('charter.lsp').setup()
--
-- Options of setup (all optional):
--   path          the charter binary (default "charter", looked up on PATH;
--                 a leading ~ is expanded)
--   cmd           the whole command instead (default { path, "lsp" }); extra
--                 arguments go after "lsp", e.g. { "charter", "lsp", "--root", DIR }
--   db            a measurement store, sent as initializationOptions.db
--                 (a leading ~ is expanded; a relative path is read from the
--                 folder of the program's entry file)
--   root_markers  names whose folder is the root, searched upward from the
--                 file (default { ".git" }; else the file's own folder)
--   on_attach     called as on_attach(client, bufnr) when a buffer attaches;
--                 afterwards, when the buffer's omnifunc is still empty, it
--                 is set to v:lua.vim.lsp.omnifunc (completion with CTRL-X CTRL-O)
--   capabilities, handlers, flags   passed to the client
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

-- path with a leading ~ or ~user expanded (nothing else: a % or # in a
-- file name stays as it is).
local function expand_home(path)
  if type(path) ~= 'string' then
    return path
  end
  local head, rest = path:match('^(~[^/]*)(.*)$')
  if not head then
    return path
  end
  local home = vim.fn.expand(head)
  if home == '' or home == head then
    return path
  end
  return home .. rest
end

-- The client's on_attach: the user's, then omnifunc when it is still empty.
local function on_attach(client, bufnr)
  if options.on_attach then
    options.on_attach(client, bufnr)
  end
  if vim.api.nvim_buf_is_valid(bufnr) and vim.bo[bufnr].omnifunc == '' then
    vim.bo[bufnr].omnifunc = 'v:lua.vim.lsp.omnifunc'
  end
end

local function client_config(root)
  local cmd
  if options.cmd then
    cmd = vim.deepcopy(options.cmd)
    cmd[1] = expand_home(cmd[1])
  else
    cmd = { expand_home(options.path) or 'charter', 'lsp' }
  end
  local db = expand_home(options.db)
  return {
    name = 'charter',
    cmd = cmd,
    root_dir = root,
    workspace_folders = { { uri = vim.uri_from_fname(root), name = root } },
    init_options = (db and db ~= '') and { db = db } or vim.empty_dict(),
    on_attach = on_attach,
    capabilities = options.capabilities,
    handlers = options.handlers,
    flags = options.flags,
  }
end

local warned = {} -- message -> true: each warning is given once
local checked = {} -- binary -> its first line of --version, or false

local function warn(message)
  if not warned[message] then
    warned[message] = true
    vim.notify(message, vim.log.levels.WARN)
  end
end

-- Where the binary came from and how to change it, for a warning.
local function how_to_fix()
  if options.cmd then
    return 'it is cmd[1] in require("charter.lsp").setup{}: correct cmd'
  elseif options.path then
    return 'it is the path given to require("charter.lsp").setup{}: correct path,'
      .. ' or leave it out to look charter up on PATH'
  end
  return 'put the folder holding charter on PATH, or give its full path:'
    .. ' require("charter.lsp").setup{ path = "/full/path/to/charter" }'
end

-- The first line that `exe --version` prints, within two seconds, or nil
-- when it printed nothing in time.
local function version_of(exe)
  if checked[exe] ~= nil then
    return checked[exe] or nil
  end
  local out = {}
  local ok, job = pcall(vim.fn.jobstart, { exe, '--version' }, {
    stdout_buffered = true,
    on_stdout = function(_, data)
      out = data or {}
    end,
  })
  if not ok or job <= 0 then
    checked[exe] = false
    return nil
  end
  if vim.fn.jobwait({ job }, 2000)[1] == -1 then
    vim.fn.jobstop(job)
  end
  checked[exe] = out[1] or false
  return checked[exe] or nil
end

-- True when config.cmd can run, else warns (once) and gives false.
local function runnable(config)
  local exe = config.cmd[1]
  if vim.fn.executable(exe) ~= 1 then
    warn('charter: cannot run ' .. exe .. (exe:find('/') and ': no executable file there' or ': not found on PATH')
      .. ' (' .. how_to_fix() .. ')')
    return false
  end
  if not options.cmd then
    local first = version_of(exe)
    if first and not first:match('^charter ') then
      warn('charter: ' .. exe .. ' is not the charter binary (its --version says "' .. first
        .. '"), so the language server was not started (' .. how_to_fix() .. ')')
      return false
    end
  end
  return true
end

-- Starts the server for buffer bufnr (or attaches the one already running
-- for its root folder).
function M.start(bufnr)
  bufnr = (bufnr == nil or bufnr == 0) and vim.api.nvim_get_current_buf() or bufnr
  local name = vim.api.nvim_buf_get_name(bufnr)
  local dir = name ~= '' and dirname(vim.fn.fnamemodify(name, ':p')) or vim.loop.cwd()
  local config = client_config(find_root(dir))
  if not runnable(config) then
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
