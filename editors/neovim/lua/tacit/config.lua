-- The options: one schema (type, default, description), validated in one
-- place. `setup{}` is optional; without it the defaults apply.
local M = {}

M.schema = {
  binary = {
    type = 'string',
    default = 'tacit',
    description = 'The tacit executable: a name looked up on $PATH, or a path.',
  },
  auto_attach = {
    type = 'boolean',
    default = true,
    description = 'Start `tacit serve` for every file inside a git work tree.',
  },
  virtual_text = {
    type = 'boolean',
    default = true,
    description = 'Show a summary at the end of the first line of each anchored range.',
  },
  virtual_text_words = {
    type = 'number',
    default = 8,
    description = 'How many words of the latest message the virtual text shows.',
  },
  icons = {
    type = 'table',
    default = { note = '✎', lesson = '★', question = '?' },
    description = 'The icon of each kind of thread in the virtual text.',
  },
  codelens = {
    type = 'boolean',
    default = true,
    description = 'Show the code lenses ("2 notes · 1 question") of anchored ranges (drawn where Neovim draws lenses: at the end of the first line on 0.7).',
  },
  update_debounce = {
    type = 'number',
    default = 200,
    description = 'Milliseconds after the last change before the virtual text and lenses are asked again.',
  },
  list = {
    type = 'string',
    default = 'quickfix',
    one_of = { 'quickfix', 'select' },
    description = 'Where lists (inbox, search, report) go: the quickfix list or vim.ui.select.',
  },
  trace = {
    type = 'string',
    default = 'off',
    one_of = { 'off', 'messages', 'verbose' },
    description = 'LSP tracing of the client (see :help vim.lsp.start_client).',
  },
  on_attach = {
    type = 'function',
    optional = true,
    description = 'Called as on_attach(client, bufnr) when a buffer is attached.',
  },
}

local function defaults()
  local out = {}
  for name, spec in pairs(M.schema) do
    out[name] = vim.deepcopy(spec.default)
  end
  return out
end

M.values = defaults()

local function warn(msg)
  vim.notify('tacit: ' .. msg, vim.log.levels.WARN)
end

-- Checks `opts` against the schema: an unknown option or a value of the wrong
-- type is reported and left out (its default stays). Returns the problems.
function M.validate(opts)
  local problems = {}
  if opts == nil then
    return {}, problems
  end
  if type(opts) ~= 'table' then
    table.insert(problems, 'setup() expects a table, got ' .. type(opts))
    return {}, problems
  end
  local valid = {}
  local names = vim.tbl_keys(opts)
  table.sort(names, function(a, b)
    return tostring(a) < tostring(b)
  end)
  for _, name in ipairs(names) do
    local value = opts[name]
    local spec = M.schema[name]
    if not spec then
      local known = vim.tbl_keys(M.schema)
      table.sort(known)
      table.insert(problems, string.format('unknown option %q (known: %s)', tostring(name), table.concat(known, ', ')))
    elseif type(value) ~= spec.type and not (value == nil and spec.optional) then
      table.insert(problems, string.format('option %q must be a %s, got %s', name, spec.type, type(value)))
    elseif spec.one_of and not vim.tbl_contains(spec.one_of, value) then
      table.insert(problems, string.format('option %q must be one of %s, got %q', name,
        table.concat(spec.one_of, ', '), tostring(value)))
    elseif spec.type == 'number' and value < 0 then
      table.insert(problems, string.format('option %q must not be negative, got %s', name, value))
    else
      valid[name] = value
    end
  end
  return valid, problems
end

function M.setup(opts)
  local valid, problems = M.validate(opts)
  for _, p in ipairs(problems) do
    warn(p)
  end
  M.values = defaults()
  for name, value in pairs(valid) do
    if M.schema[name].type == 'table' then
      M.values[name] = vim.tbl_extend('force', M.values[name], value)
    else
      M.values[name] = value
    end
  end
  return problems
end

return M
