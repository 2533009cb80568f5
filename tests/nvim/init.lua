-- Drives Neovim's built-in LSP client, configured by editors/nvim
-- (require('charter.lsp').setup), against `charter lsp` on a copy of
-- examples/recovery-at-work. Run by tests/nvim.sh:
--   nvim --headless --clean -u tests/nvim/init.lua
-- with CHARTER_TOP (the repository), CHARTER_BIN (the binary), CHARTER_CASE
-- (the scratch copy, with messy.charter beside it), HOME (a folder holding
-- store.db, the example's measurements) and CHARTER_RESULTS (the
-- file that receives "plan N", then "ok - STEP" or "not ok - STEP" with
-- "#" lines saying what was expected and what came).
local top = assert(os.getenv('CHARTER_TOP'), 'CHARTER_TOP')
local bin = assert(os.getenv('CHARTER_BIN'), 'CHARTER_BIN')
local case = assert(os.getenv('CHARTER_CASE'), 'CHARTER_CASE')
local results = assert(io.open(assert(os.getenv('CHARTER_RESULTS'), 'CHARTER_RESULTS'), 'w'))
local step_ms = tonumber(os.getenv('CHARTER_STEP_MS') or '') or 10000

vim.opt.runtimepath:append(top .. '/editors/vim')
vim.opt.runtimepath:append(top .. '/editors/nvim')
vim.cmd('filetype plugin indent on')
vim.o.swapfile = false
vim.o.hidden = true

-- Every publishDiagnostics the client receives, counted per URI.
local published = {}
local original = vim.lsp.handlers['textDocument/publishDiagnostics']
vim.lsp.handlers['textDocument/publishDiagnostics'] = function(err, result, ctx, config)
  if result and result.uri then
    published[result.uri] = (published[result.uri] or 0) + 1
  end
  return original(err, result, ctx, config)
end

-- The buffers the user's on_attach was called for; the store is given with
-- a ~ (HOME is the scratch folder, tests/nvim.sh imports into ~/store.db).
local attached = {}
require('charter.lsp').setup({
  cmd = { bin, 'lsp', '--log', case .. '/../lsp.log' },
  db = '~/store.db',
  -- docs/lsp.md's example of an on_attach with keymaps, recording the buffer.
  on_attach = function(_, bufnr)
    attached[bufnr] = true
    local function map(keys, fn)
      vim.keymap.set('n', keys, fn, { buffer = bufnr })
    end
    map('K', vim.lsp.buf.hover)
    map('gd', vim.lsp.buf.definition)
    map('gr', vim.lsp.buf.references)
    map('<leader>rn', vim.lsp.buf.rename)
    map('<leader>ca', vim.lsp.buf.code_action)
    map('<leader>f', function()
      if vim.lsp.buf.format then
        vim.lsp.buf.format({ bufnr = bufnr })
      else
        vim.lsp.buf.formatting()
      end
    end)
  end,
})

local function say(line)
  results:write(line, '\n')
  results:flush()
end

local function show(v)
  if type(v) == 'string' then
    return string.format('%q', v)
  end
  return vim.inspect(v, { newline = ' ', indent = '' })
end

-- Each step returns true, or false with what was expected and what came.
local function fail(expected, got)
  return false, { expected = expected, got = got }
end

local function read_lines(path)
  local lines = {}
  for line in io.lines(path) do
    lines[#lines + 1] = line
  end
  return lines
end

local function client_of(buf)
  for _, c in pairs(vim.lsp.buf_get_clients(buf)) do
    if c.name == 'charter' then
      return c
    end
  end
  return nil
end

-- The one answer of the charter client to a request, or nil and why not.
local function request(buf, method, params)
  local answers, err = vim.lsp.buf_request_sync(buf, method, params, step_ms)
  if not answers then
    return nil, 'no answer within ' .. step_ms .. ' ms (' .. tostring(err) .. ')'
  end
  for _, a in pairs(answers) do
    if a.err or a.error then
      local e = a.err or a.error
      return nil, 'error ' .. tostring(e.code) .. ': ' .. tostring(e.message)
    end
    return a.result, nil
  end
  return nil, 'no client answered'
end

local function encoding(buf)
  local c = client_of(buf)
  return c and c.offset_encoding or 'utf-16'
end

-- The first line where two texts differ: expected and got, as "LINE: text".
local function first_difference(want, got)
  local w, g = vim.split(want, '\n', true), vim.split(got, '\n', true)
  for i = 1, math.max(#w, #g) do
    if w[i] ~= g[i] then
      return 'line ' .. i .. ': ' .. show(w[i] or '(none)'), 'line ' .. i .. ': ' .. show(g[i] or '(none)')
    end
  end
  return want, got
end

local function buf_text(buf)
  return table.concat(vim.api.nvim_buf_get_lines(buf, 0, -1, false), '\n') .. '\n'
end

local coalition = case .. '/coalition.charter'
local results_file = case .. '/results.charter'
local activities = case .. '/activities.charter'
local main_buf

local function wait_published(uri, before)
  return vim.wait(step_ms, function()
    return (published[uri] or 0) > before
  end, 20)
end

local steps = {}

steps[#steps + 1] = { 'the client starts charter lsp for a .charter file and receives its diagnostics', function()
  vim.cmd('edit ' .. vim.fn.fnameescape(coalition))
  main_buf = vim.api.nvim_get_current_buf()
  if vim.bo.filetype ~= 'charter' then
    return fail('filetype charter', vim.bo.filetype)
  end
  local uri = vim.uri_from_bufnr(main_buf)
  if not wait_published(uri, 0) then
    return fail('a publishDiagnostics for ' .. uri, 'none within ' .. step_ms .. ' ms; clients: '
      .. show(vim.tbl_map(function(c) return c.name end, vim.lsp.buf_get_clients(main_buf))))
  end
  local d = vim.diagnostic.get(main_buf)
  if #d ~= 0 then
    return fail('no diagnostics (the example checks clean)', d)
  end
  return true
end }

steps[#steps + 1] = { "after attaching, the user's on_attach mapped its keys and omnifunc is the client's", function()
  local maps = {}
  vim.api.nvim_buf_call(main_buf, function()
    for _, keys in ipairs({ 'K', 'gd', 'gr', '<leader>rn', '<leader>ca', '<leader>f' }) do
      local m = vim.fn.maparg(keys, 'n', false, true)
      maps[#maps + 1] = keys .. (m.buffer == 1 and ' buffer' or ' none')
    end
  end)
  local got = { on_attach = attached[main_buf] or false, omnifunc = vim.bo[main_buf].omnifunc, maps = maps }
  local want = { on_attach = true, omnifunc = 'v:lua.vim.lsp.omnifunc', maps = { 'K buffer', 'gd buffer',
    'gr buffer', '<leader>rn buffer', '<leader>ca buffer', '<leader>f buffer' } }
  if not vim.deep_equal(want, got) then
    return fail(want, got)
  end
  return true
end }

steps[#steps + 1] = { 'hover over an indicator id gives markdown with its title and its latest value from ~/store.db',
  function()
    local buf = vim.fn.bufadd(results_file)
    vim.fn.bufload(buf)
    if not vim.wait(step_ms, function() return client_of(buf) ~= nil end, 20) then
      return fail('the charter client attached to results.charter', 'no client')
    end
    local line
    for i, l in ipairs(vim.api.nvim_buf_get_lines(buf, 0, -1, false)) do
      if l == '  indicator employment_rate' then
        line = i - 1
      end
    end
    if not line then
      return fail("a line '  indicator employment_rate' in results.charter", buf_text(buf))
    end
    local result, err = request(buf, 'textDocument/hover', {
      textDocument = { uri = vim.uri_from_bufnr(buf) },
      position = { line = line, character = 14 },
    })
    if err then
      return fail('a hover', err)
    end
    local contents = type(result) == 'table' and result.contents
    if type(contents) ~= 'table' or contents.kind ~= 'markdown' or type(contents.value) ~= 'string' then
      return fail('{ contents = { kind = "markdown", value = ... } }', result)
    end
    local value = contents.value
    for _, want in ipairs({ '**indicator** `employment_rate`: Employment rate',
      '**Latest:**', '**Status:**' }) do
      if not value:find(want, 1, true) then
        return fail('a hover holding ' .. show(want), value)
      end
    end
    if value:find('could not be read', 1, true) then
      return fail('the store read', value)
    end
    return true
  end }

-- The line appended to coalition.charter, a second 'hired' (results.charter
-- declares the first).
local dup_line = 'outcome hired "Again" { horizon short }'
local dup_lnum -- 0-based

steps[#steps + 1] = { 'an edit that declares hired twice gets the duplicate diagnostic', function()
  local uri = vim.uri_from_bufnr(main_buf)
  local before = published[uri] or 0
  dup_lnum = vim.api.nvim_buf_line_count(main_buf)
  vim.api.nvim_buf_set_lines(main_buf, -1, -1, false, { '', dup_line })
  dup_lnum = dup_lnum + 1
  local found
  vim.wait(step_ms, function()
    if (published[uri] or 0) <= before then
      return false
    end
    for _, d in ipairs(vim.diagnostic.get(main_buf)) do
      local code = d.code or (d.user_data and d.user_data.lsp and d.user_data.lsp.code)
      if code == 'duplicate' then
        found = d
        return true
      end
    end
    return false
  end, 20)
  if not found then
    return fail("a 'duplicate' diagnostic on line " .. (dup_lnum + 1), vim.diagnostic.get(main_buf))
  end
  local want = { lnum = dup_lnum, col = 8, severity = vim.diagnostic.severity.ERROR,
    message = "'hired' is already declared (as an outcome)", source = 'charter' }
  local got = { lnum = found.lnum, col = found.col, severity = found.severity, message = found.message,
    source = found.source }
  if not vim.deep_equal(want, got) then
    return fail(want, got)
  end
  return true
end }

steps[#steps + 1] = { 'undoing the edit clears the diagnostics', function()
  local uri = vim.uri_from_bufnr(main_buf)
  local before = published[uri] or 0
  vim.api.nvim_buf_set_lines(main_buf, dup_lnum - 1, dup_lnum + 1, false, {})
  local ok = vim.wait(step_ms, function()
    return (published[uri] or 0) > before and #vim.diagnostic.get(main_buf) == 0
  end, 20)
  if not ok then
    return fail('no diagnostics', vim.diagnostic.get(main_buf))
  end
  local disk = table.concat(read_lines(coalition), '\n') .. '\n'
  if buf_text(main_buf) ~= disk then
    return fail('the buffer as on the disk again', buf_text(main_buf))
  end
  return true
end }

-- "  focus hired" in coalition.charter: line 34, 'hired' from column 8.
local function position_of_focus()
  local lines = vim.api.nvim_buf_get_lines(main_buf, 0, -1, false)
  for i, l in ipairs(lines) do
    if l == '  focus hired' then
      return i - 1, 8
    end
  end
  return nil
end

steps[#steps + 1] = { 'definition of hired (coalition.charter) lands on its declaration in results.charter', function()
  vim.api.nvim_set_current_buf(main_buf)
  local line, col = position_of_focus()
  if not line then
    return fail("a line '  focus hired' in coalition.charter", buf_text(main_buf))
  end
  vim.api.nvim_win_set_cursor(0, { line + 1, col })
  local result, err = request(main_buf, 'textDocument/definition', {
    textDocument = { uri = vim.uri_from_bufnr(main_buf) },
    position = { line = line, character = col },
  })
  if err then
    return fail('a location', err)
  end
  if result == nil or result == vim.NIL then
    return fail('a location', 'null')
  end
  local loc = result
  if vim.tbl_islist(result) then
    loc = result[1]
  end
  if loc == nil then
    return fail('a location', result)
  end
  if loc.targetUri then
    loc = { uri = loc.targetUri, range = loc.targetSelectionRange or loc.targetRange }
  end
  -- Jump as the client's handler does.
  if vim.lsp.util.show_document then
    vim.lsp.util.show_document(loc, encoding(main_buf), { focus = true })
  else
    vim.lsp.util.jump_to_location(loc, encoding(main_buf))
  end
  local want_line
  for i, l in ipairs(read_lines(results_file)) do
    if l:match('^outcome hired ') then
      want_line = i
    end
  end
  local want = { file = vim.loop.fs_realpath(results_file), cursor = { want_line, 8 } }
  local got = { file = vim.loop.fs_realpath(vim.api.nvim_buf_get_name(0)) or vim.api.nvim_buf_get_name(0),
    cursor = vim.api.nvim_win_get_cursor(0) }
  vim.api.nvim_set_current_buf(main_buf)
  if not vim.deep_equal(want, got) then
    return fail(want, got)
  end
  return true
end }

-- The buffer of path, loaded.
local function buffer_of(path)
  local b = vim.fn.bufadd(path)
  vim.fn.bufload(b)
  return b
end

steps[#steps + 1] = { 'rename hired to hired_by_employers changes every reference in three files', function()
  local old, new = 'hired', 'hired_by_employers'
  -- What each file must become: the word replaced on these lines only (a
  -- string in results.charter says 'hired' too and must stay).
  local expect = {}
  for _, path in ipairs({ coalition, results_file, activities }) do
    local lines = read_lines(path)
    for i, l in ipairs(lines) do
      if l:match('^%s*[%a_]+ ' .. old .. '$') or l:match('^outcome ' .. old .. ' ') then
        lines[i] = l:gsub('%f[%w_]' .. old .. '%f[^%w_]', new)
      end
    end
    expect[path] = table.concat(lines, '\n') .. '\n'
  end
  local line, col = position_of_focus()
  if not line then
    return fail("a line '  focus hired' in coalition.charter", buf_text(main_buf))
  end
  local edit, err = request(main_buf, 'textDocument/rename', {
    textDocument = { uri = vim.uri_from_bufnr(main_buf) },
    position = { line = line, character = col },
    newName = new,
  })
  if err then
    return fail('a WorkspaceEdit', err)
  end
  if edit == nil or edit == vim.NIL then
    return fail('a WorkspaceEdit', 'null')
  end
  vim.lsp.util.apply_workspace_edit(edit, encoding(main_buf))
  local files = 0
  for _, path in ipairs({ coalition, results_file, activities }) do
    local got = buf_text(buffer_of(path))
    if got ~= expect[path] then
      local w, g = first_difference(expect[path], got)
      return fail(path .. ', ' .. w, g)
    end
    local _, n = expect[path]:gsub(new, '')
    if n > 0 then
      files = files + 1
    end
  end
  if files ~= 3 then
    return fail('the new name in 3 files', files)
  end
  return true
end }

steps[#steps + 1] = { 'formatting a badly laid out buffer gives what charter fmt prints', function()
  local messy = case .. '/../messy.charter'
  local want = vim.fn.system({ bin, 'fmt', messy })
  if vim.v.shell_error ~= 0 then
    return fail('charter fmt to succeed on messy.charter', want)
  end
  vim.cmd('edit ' .. vim.fn.fnameescape(messy))
  local buf = vim.api.nvim_get_current_buf()
  if not vim.wait(step_ms, function() return client_of(buf) ~= nil end, 20) then
    return fail('the charter client attached to messy.charter', 'no client')
  end
  if buf_text(buf) == want then
    return fail('messy.charter not formatted yet', 'already formatted')
  end
  local edits, err = request(buf, 'textDocument/formatting', {
    textDocument = { uri = vim.uri_from_bufnr(buf) },
    options = { tabSize = 2, insertSpaces = true },
  })
  if err then
    return fail('a list of TextEdits', err)
  end
  if edits ~= nil and edits ~= vim.NIL then
    vim.lsp.util.apply_text_edits(edits, buf, encoding(buf))
  end
  local got = buf_text(buf)
  if got ~= want then
    return fail(first_difference(want, got))
  end
  return true
end }

steps[#steps + 1] = { 'a binary that cannot run, or is not charter, is named in a warning that says how to fix it',
  function()
    local said = {}
    local notify = vim.notify
    vim.notify = function(message)
      said[#said + 1] = message
    end
    local home = os.getenv('HOME')
    local ok, err = pcall(function()
      require('charter.lsp').setup({ path = '~/no-such-charter' })
      require('charter.lsp').setup({ path = '/bin/true' })
    end)
    vim.notify = notify
    if not ok then
      return fail('no Lua error', err)
    end
    local want = {
      'charter: cannot run ' .. home .. '/no-such-charter: no executable file there (it is the path given to '
        .. 'require("charter.lsp").setup{}: correct path, or leave it out to look charter up on PATH)',
      'charter: /bin/true is not the charter binary (its --version says "',
    }
    if #said ~= 2 or said[1] ~= want[1] or said[2]:sub(1, #want[2]) ~= want[2] then
      return fail(want, said)
    end
    return true
  end }

local function run()
  say('plan ' .. #steps)
  for _, s in ipairs(steps) do
    local okcall, ok, why = pcall(s[2])
    if not okcall then
      ok, why = false, { expected = 'no Lua error', got = tostring(ok) }
    end
    if ok then
      say('ok - nvim: ' .. s[1])
    else
      say('not ok - nvim: ' .. s[1])
      for _, part in ipairs({ 'expected', 'got' }) do
        local text = show(why[part])
        say('#   ' .. part .. ': ' .. text:gsub('\n', '\n#     '))
      end
    end
  end
  results:close()
  for _, c in pairs(vim.lsp.get_active_clients()) do
    c.stop()
  end
  vim.wait(2000, function() return #vim.lsp.get_active_clients() == 0 end, 20)
  vim.cmd('qall!')
end

vim.api.nvim_create_autocmd('VimEnter', {
  once = true,
  callback = function()
    vim.schedule(run)
  end,
})
